using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using TryOn.Contracts.Errors;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.OpenApi;

/// <summary>
/// The served document, read with Microsoft.OpenApi as a client generator reads it: every merchant operation has its
/// body, its security and its error responses, each naming the codes it can answer; the schemas say what the server
/// sends.
/// </summary>
public sealed class OpenApiContractTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static readonly HttpMethod[] WithBody = [HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch];

    private async Task<(OpenApiDocument Document, string Json)> ReadAsync()
    {
        var json = await fixture.Anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        return (result.Document!, json);
    }

    private static IEnumerable<(string Name, OpenApiOperation Operation, HttpMethod Method)> MerchantOperations(OpenApiDocument document) =>
        document.Paths
            .Where(path => path.Key.StartsWith("/tryon/v1/", StringComparison.Ordinal))
            .SelectMany(path => path.Value.Operations!.Select(entry => ($"{entry.Key} {path.Key}", entry.Value, entry.Key)));

    [Fact]
    public async Task Every_merchant_operation_has_its_body_its_security_and_its_error_responses()
    {
        var (document, _) = await ReadAsync();
        var operations = MerchantOperations(document).ToList();
        Assert.True(operations.Count >= 15, $"{operations.Count} merchant operations");
        foreach (var (name, operation, method) in operations)
        {
            Assert.True(operation.Security is [var requirement] && requirement.Keys.Single().Reference.Id == "ApiKey", $"{name}: no x-api-key security");
            if (WithBody.Contains(method))
            {
                Assert.True(operation.RequestBody?.Content is { Count: > 0 }, $"{name}: no request body");
            }

            var errors = operation.Responses!.Where(response => response.Key[0] is '4' or '5').ToList();
            Assert.True(errors.Count > 0, $"{name}: no error responses");
            foreach (var required in new[] { "401", "429", "500", "503" })
            {
                Assert.True(operation.Responses!.ContainsKey(required), $"{name}: no {required}");
            }

            foreach (var (status, response) in errors)
            {
                var schema = Assert.Single(response.Content!.Values).Schema;
                Assert.True(schema is OpenApiSchemaReference { Reference.Id: "ErrorEnvelope" }, $"{name} {status}: not the envelope");
                var codes = CodesOf(response);
                Assert.True(codes.Count > 0, $"{name} {status}: names no code");
                Assert.All(codes, code => Assert.Equal(status, ErrorCatalog.Get(code).Status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.All(codes, code => Assert.Contains($"`{code}`", response.Description, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Operations_name_the_codes_their_endpoint_answers()
    {
        var (document, _) = await ReadAsync();
        var tryOn = document.Paths["/tryon/v1/try-on"].Operations![HttpMethod.Post];
        Assert.Contains(ErrorCodes.InsufficientCredits, CodesOf(tryOn.Responses!["402"]));
        Assert.Contains(ErrorCodes.ValidationFailed, CodesOf(tryOn.Responses!["400"]));
        Assert.Contains(ErrorCodes.IdempotencyKeyReused, CodesOf(tryOn.Responses!["422"]));
        Assert.Contains(ErrorCodes.ProductNotFound, CodesOf(tryOn.Responses!["404"]));
        var generation = document.Paths["/tryon/v1/generations/{generationId}"].Operations![HttpMethod.Get];
        Assert.Equal([ErrorCodes.GenerationNotFound], CodesOf(generation.Responses!["404"]));
        Assert.False(generation.Responses!.ContainsKey("402"));
        var admin = document.Paths["/admin/v1/accounts"].Operations![HttpMethod.Get];
        Assert.Equal([ErrorCodes.Unauthorized], CodesOf(admin.Responses!["401"]));
        Assert.True(admin.Security is [var requirement] && requirement.Keys.Single().Reference.Id == "AdminToken");
    }

    [Fact]
    public async Task The_try_on_body_is_one_of_its_three_shapes_current_first_as_JSON_or_as_a_form_around_it()
    {
        var (document, _) = await ReadAsync();
        var body = document.Paths["/tryon/v1/try-on"].Operations![HttpMethod.Post].RequestBody!;
        Assert.True(body.Required);
        var shapes = body.Content!["application/json"].Schema!.OneOf!;
        Assert.Equal(["TryOnRequest", "TryOnRequestV13", "TryOnRequestV10"], shapes.Select(shape => ((OpenApiSchemaReference)shape).Reference.Id));
        var current = document.Components!.Schemas!["TryOnRequest"];
        Assert.Equal(["products", "person"], current.Required!.Order(StringComparer.Ordinal).Reverse());
        var products = current.Properties!["products"];
        Assert.Equal(JsonSchemaType.Array, products.Type);
        Assert.Equal("ProductBody", ((OpenApiSchemaReference)products.Items!).Reference.Id);
        Assert.Contains("classifications", document.Components.Schemas["ProductImageBody"].Properties!.Keys);

        var form = body.Content["multipart/form-data"];
        Assert.Equal(["data"], form.Schema!.Required!);
        Assert.Equal("binary", form.Schema.AdditionalProperties!.Format);
        Assert.Equal("application/json", form.Encoding!["data"].ContentType);
    }

    [Fact]
    public async Task An_upload_is_a_form_with_a_required_file_and_optional_fields()
    {
        var (document, _) = await ReadAsync();
        var upload = document.Paths["/tryon/v1/images/upload"].Operations![HttpMethod.Post].RequestBody!.Content!;
        var schema = Assert.Single(upload).Value.Schema!;
        Assert.Equal("multipart/form-data", Assert.Single(upload).Key);
        Assert.Equal(["file"], schema.Required!);
        Assert.Equal(("binary", JsonSchemaType.String), (schema.Properties!["file"].Format, schema.Properties["file"].Type));
        Assert.Equal(JsonSchemaType.Boolean, schema.Properties["crop"].Type);
        Assert.Equal(JsonSchemaType.Integer, schema.Properties["keepForDays"].Type);
        Assert.Contains("IdempotencyKey", document.Paths["/tryon/v1/images/upload"].Operations![HttpMethod.Post].Parameters!.Select(parameter => parameter.Name!.Replace("-", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fields_the_server_leaves_out_are_optional_and_fields_it_sends_as_null_are_nullable()
    {
        var (document, _) = await ReadAsync();
        var generation = document.Components!.Schemas!["GenerationResponse"];
        foreach (var omitted in new[] { "resultImageUrl", "errorCode", "errorMessage", "queuePosition", "generationTimeMs" })
        {
            Assert.DoesNotContain(omitted, generation.Required!);
            Assert.False(generation.Properties![omitted].Type?.HasFlag(JsonSchemaType.Null) ?? false, omitted);
        }

        Assert.Contains("status", generation.Required!);
        var product = document.Components.Schemas["ProductResponse"];
        Assert.Contains("title", product.Required!);
        Assert.True(product.Properties!["title"].Type!.Value.HasFlag(JsonSchemaType.Null));
        Assert.Equal(4, document.Components.Schemas["TryOnStartedResponse"].Properties!["status"].Enum!.Count);
    }

    [Fact]
    public async Task The_document_refers_only_to_itself_and_no_description_reads_as_html()
    {
        var (_, json) = await ReadAsync();
        var node = JsonNode.Parse(json)!;
        foreach (var (key, value) in Walk(node))
        {
            if (key == "$ref")
            {
                Assert.StartsWith("#/", value);
            }
            else if (key is "description" or "summary")
            {
                Assert.DoesNotMatch("<[A-Za-z/]", value);
            }
        }
    }

    private static List<string> CodesOf(IOpenApiResponse response) =>
        response.Extensions is { } extensions && extensions.TryGetValue("x-error-codes", out var codes) && codes is JsonNodeExtension { Node: JsonArray array }
            ? [.. array.Select(code => code!.GetValue<string>())]
            : [];

    private static IEnumerable<(string Key, string Value)> Walk(JsonNode node) => node switch
    {
        JsonObject obj => obj.SelectMany(property => property.Value is JsonValue value && value.TryGetValue<string>(out var text)
            ? [(property.Key, text)]
            : property.Value is null ? [] : Walk(property.Value)),
        JsonArray array => array.Where(item => item is not null).SelectMany(item => Walk(item!)),
        _ => [],
    };
}
