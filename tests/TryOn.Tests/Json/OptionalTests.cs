using System.Text.Json;
using TryOn.Web.Json;
using TryOn.Web.Products;

namespace TryOn.Tests.Json;

/// <summary>
/// <see cref="Optional{T}"/> keeps what a client sent apart: absent, null, a value, or a value of another kind, which
/// the validators report with the contract's message instead of the serializer failing the whole body.
/// </summary>
public sealed class OptionalTests
{
    private sealed record Sample
    {
        public Optional<int> Days { get; init; }

        public Optional<string> Name { get; init; }

        public Optional<bool> Flag { get; init; }

        public Optional<Sample> Child { get; init; }

        public Optional<IReadOnlyList<Optional<string>>> Names { get; init; }

        public Optional<JsonElement> Raw { get; init; }
    }

    private static Sample Read(string json) => RequestJson.Read<Sample>(JsonDocument.Parse(json).RootElement).Value!;

    [Fact]
    public void An_absent_field_is_not_given()
    {
        var days = Read("{}").Days;
        Assert.False(days.IsGiven);
        Assert.False(days.IsSet);
        Assert.False(days.HasValue);
        Assert.False(days.IsMalformed);
    }

    [Fact]
    public void Null_is_given_but_not_set()
    {
        var days = Read("""{"days": null}""").Days;
        Assert.True(days.IsGiven);
        Assert.False(days.IsSet);
        Assert.False(days.HasValue);
        Assert.False(days.IsMalformed);
        Assert.Equal(JsonValueKind.Null, days.Sent);
    }

    [Fact]
    public void A_value_of_the_type_is_read()
    {
        var sample = Read("""{"days": 30, "name": "tee", "flag": false}""");
        Assert.True(sample.Days is { IsSet: true, HasValue: true, Value: 30 });
        Assert.Equal("tee", sample.Name.Value);
        Assert.True(sample.Flag is { HasValue: true, Value: false });
    }

    [Theory]
    [InlineData("""{"days": "30"}""", JsonValueKind.String)]
    [InlineData("""{"days": 1.5}""", JsonValueKind.Number)]
    [InlineData("""{"days": 99999999999}""", JsonValueKind.Number)]
    [InlineData("""{"days": true}""", JsonValueKind.True)]
    [InlineData("""{"days": [30]}""", JsonValueKind.Array)]
    [InlineData("""{"days": {"n": 30}}""", JsonValueKind.Object)]
    public void A_value_of_another_kind_is_malformed_and_remembered_by_its_kind(string json, JsonValueKind kind)
    {
        var days = Read(json).Days;
        Assert.True(days.IsMalformed);
        Assert.False(days.HasValue);
        Assert.Equal(kind, days.Sent);
    }

    [Fact]
    public void A_string_that_is_not_valid_Unicode_is_a_malformed_string()
    {
        var name = Read("""{"name": "a\ud800b"}""").Name;
        Assert.True(name.IsMalformed);
        Assert.Equal(JsonValueKind.String, name.Sent);
    }

    [Fact]
    public void Objects_and_arrays_are_read_with_their_elements_each_optional()
    {
        var sample = Read("""{"child": {"days": 7}, "names": ["a", 5, null]}""");
        Assert.Equal(7, sample.Child.Value!.Days.Value);
        Assert.Collection(
            sample.Names.Value!,
            first => Assert.Equal("a", first.Value),
            second => Assert.True(second.IsMalformed),
            third => Assert.True(third is { IsGiven: true, IsSet: false }));
    }

    [Fact]
    public void A_value_where_an_object_belongs_is_skipped_and_the_rest_is_read()
    {
        var sample = Read("""{"child": [1, {"days": 2}], "days": 3}""");
        Assert.True(sample.Child.IsMalformed);
        Assert.Equal(JsonValueKind.Array, sample.Child.Sent);
        Assert.Equal(3, sample.Days.Value);
    }

    [Fact]
    public void A_JsonElement_keeps_any_value_as_sent()
    {
        var raw = Read("""{"raw":  { "a" :  [1, "x"] } }""").Raw;
        Assert.True(raw.HasValue);
        Assert.Equal("""{ "a" :  [1, "x"] }""", raw.Value.GetRawText());
    }

    [Fact]
    public void A_property_name_that_is_not_valid_Unicode_is_ignored_like_any_unknown_name()
    {
        var sample = Read("""{"\ud800": 1, "days": 3, "child": {"\udc00": {"x": 1}, "name": "n"}}""");
        Assert.Equal(3, sample.Days.Value);
        Assert.Equal("n", sample.Child.Value!.Name.Value);
    }

    [Fact]
    public void The_body_itself_is_optional_so_a_non_object_is_malformed()
    {
        Assert.True(RequestJson.Read<Sample>(JsonDocument.Parse("[1]").RootElement).IsMalformed);
        Assert.False(RequestJson.Read<Sample>(JsonDocument.Parse("null").RootElement).IsSet);
    }

    [Fact]
    public void Named_values_keep_every_property_in_order_with_unreadable_names_as_null()
    {
        var image = RequestJson.Read<ProductImageBody>(JsonDocument.Parse("""{"classifications": {"front": true, "\ud800": true, "front": "yes"}}""").RootElement).Value!;
        Assert.Collection(
            image.Classifications.Value!.Properties,
            first => Assert.True(first is { Name: "front", Value.Value: true }),
            second => Assert.Null(second.Name),
            third => Assert.True(third is { Name: "front", Value.IsMalformed: true }));
    }
}
