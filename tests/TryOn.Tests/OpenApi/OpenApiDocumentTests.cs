using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.OpenApi;

/// <summary>
/// What a client generated from <c>/openapi/v1.json</c> needs to call the API: the scheme each operation uses, and
/// the sections in the order a merchant reads them, each described.
/// </summary>
public sealed class OpenApiDocumentTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private async Task<JsonElement> DocumentAsync() =>
        await (await fixture.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ShouldBeOkAsync();

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(entry => entry.Value.ValueKind == JsonValueKind.Object && entry.Value.TryGetProperty("responses", out _))
                .Select(entry => (path.Name, entry.Name, entry.Value)));

    private static IEnumerable<string> Schemes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name))
            : [];

    [Fact]
    public async Task Every_merchant_operation_needs_the_API_key_and_every_admin_operation_the_admin_token()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, operation) in operations)
        {
            var expected = path.StartsWith("/tryon/v1/", StringComparison.Ordinal) ? ["ApiKey"]
                : path.StartsWith("/admin/v1/", StringComparison.Ordinal) ? ["AdminToken"]
                : Array.Empty<string>();
            Assert.True(expected.SequenceEqual(Schemes(operation)), $"{method} {path}: [{string.Join(", ", Schemes(operation))}], expected [{string.Join(", ", expected)}]");
            Assert.All(Schemes(operation), scheme => Assert.True(schemes.TryGetProperty(scheme, out _), scheme));
        }
    }

    [Fact]
    public async Task Sections_come_merchant_first_admin_last_each_with_a_description_and_no_text_reads_as_html()
    {
        var document = await DocumentAsync();
        var tags = document.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal("Try-on", tags[0].GetProperty("name").GetString());
        Assert.Equal("Admin", tags[^1].GetProperty("name").GetString());
        Assert.All(tags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.GetProperty("description").GetString())));
        var used = Operations(document).SelectMany(entry => entry.Operation.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString())).ToHashSet();
        Assert.Equal(used.Order(), tags.Select(tag => tag.GetProperty("name").GetString()).Order());
        Assert.DoesNotContain("<", document.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_value_sets_and_typed_query_parameters_are_described_as_the_server_checks_them()
    {
        var document = await DocumentAsync();
        var list = document.GetProperty("paths").GetProperty("/tryon/v1/generations").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(parameter => parameter.GetProperty("name").GetString()!, parameter => parameter.GetProperty("schema"));
        Assert.Equal("integer", list["limit"].GetProperty("type").GetString());
        Assert.Equal((1, 200, 50), (list["limit"].GetProperty("minimum").GetInt32(), list["limit"].GetProperty("maximum").GetInt32(), list["limit"].GetProperty("default").GetInt32()));
        string[] statuses = ["PENDING", "PROCESSING", "COMPLETED", "FAILED"];
        Assert.Equal(statuses, list["status"].GetProperty("enum").EnumerateArray().Select(value => value.GetString()));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(statuses, schemas.GetProperty("GenerationResponse").GetProperty("properties").GetProperty("status").GetProperty("enum").EnumerateArray().Select(value => value.GetString()));
        var codes = schemas.GetProperty("ErrorEnvelope").GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(value => value.GetString()).ToList();
        Assert.Equal(TryOn.Contracts.Errors.ErrorCatalog.All.Select(definition => definition.Code), codes);
        Assert.Contains("IDEMPOTENCY_KEY_REUSED", codes);
    }
}
