using TryOn.Contracts.ApiKeys;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Paging;
using TryOn.Grains.ApiKeys;
using TryOn.Web.Errors;

namespace TryOn.Tests.Ids;

public sealed class IdentifierTests
{
    [Fact]
    public void Ulids_sort_by_time_and_are_unique()
    {
        var earlier = Ulid.NewUlid(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var later = Ulid.NewUlid(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(26, earlier.Length);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => Ulid.NewUlid(TimeProvider.System)).Distinct().Count());
    }

    [Fact]
    public void Api_keys_have_the_documented_shape_and_hash_stably()
    {
        var key = ApiKeySecret.Create();
        Assert.StartsWith("gk_", key, StringComparison.Ordinal);
        Assert.True(ApiKeySecret.HasValidShape(key));
        Assert.Equal(ApiKeySecret.Hash(key), ApiKeySecret.Hash(key));
        Assert.NotEqual(ApiKeySecret.Hash(key), ApiKeySecret.Hash(ApiKeySecret.Create()));
        Assert.False(ApiKeySecret.HasValidShape(key.AsSpan(0, key.Length - 1)));
        Assert.False(ApiKeySecret.HasValidShape(string.Concat("sk", key.AsSpan(2))));
    }

    [Theory]
    [InlineData("acct_01abc", true)]
    [InlineData("acct_dev", true)]
    [InlineData("acct_", false)]
    [InlineData("acct_a/b", false)]
    [InlineData("12345", false)]
    [InlineData("prod_01abc", false)]
    public void Account_ids_are_recognised_by_shape(string value, bool expected) =>
        Assert.Equal(expected, ResourceIds.IsAccountId(value));

    [Fact]
    public void Cursors_round_trip_and_garbage_is_refused()
    {
        Assert.True(PageCursor.TryDecode(PageCursor.Encode("acct_01abc"), out var key));
        Assert.Equal("acct_01abc", key);
        Assert.False(PageCursor.TryDecode("%%%", out _));
        Assert.False(PageCursor.TryDecode("", out _));
    }

    [Theory]
    [InlineData("$", "")]
    [InlineData("$.name", "name")]
    [InlineData("$.products[0].images[1].url", "products.0.images.1.url")]
    [InlineData("$['odd key']", "odd key")]
    public void Json_paths_become_dotted_paths(string jsonPath, string expected) =>
        Assert.Equal(expected, BadRequestErrors.ToDottedPath(jsonPath));

    [Theory]
    [InlineData("Name", "name")]
    [InlineData("Limits.WritesPerMinute", "limits.writesPerMinute")]
    [InlineData("Products[0].Images[1].Source.Url", "products.0.images.1.source.url")]
    public void Validator_property_names_become_dotted_paths(string propertyName, string expected) =>
        Assert.Equal(expected, ValidationPaths.ToDotted(propertyName));
}
