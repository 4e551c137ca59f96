using System.Text.Json;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;
using TryOn.Web.Products;
using TryOn.Web.TryOn;

namespace TryOn.Tests.Generations;

/// <summary>
/// Reading a try-on body (docs/api.md): the 1.0, 1.3 and 1.4 shapes become one request, a field sent in two forms with
/// different values is a conflict, and each problem comes back with the code, path and message of the contract.
/// </summary>
public sealed class TryOnBodyTests
{
    private static (TryOnRequest? Request, ApiError? Error) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var request = TryOnRequest.Read(document.RootElement, out var error);
        return (request, error);
    }

    private static string Describe(TryOnRequest request) =>
        $"{request.Person} {request.ExternalUserId} {request.Watermark} {request.KeepForDays} " + Describe(request.Product);

    internal static string Describe(ProductRequest product) =>
        $"{product.ExternalId}|{product.Title}|{product.Category}|{product.MetadataJson}|{product.MetadataGiven}|{product.ValidForDays}|{product.ValidForDaysGiven}|{product.IsReference}|"
        + (product.Images is { } images
            ? string.Join(";", images.Select(image => $"{image.Url},{image.FileKey},{string.Join("+", image.Classifications.OrderBy(flag => flag.Key).Select(flag => $"{flag.Key}={flag.Value}"))}"))
            : "no images");

    internal static string Issues(ApiError error) =>
        error.Details is ValidationIssue[] issues ? string.Join(" | ", issues.Select(issue => $"{issue.Path}: {issue.Message}")) : $"{error.Code}: {error.Message}";

    [Theory]
    [InlineData("""{"product": {"externalId": "sku-1", "title": "Tee", "category": " Tops ", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"front": true}}]}, "customer": {"source": {"id": "img_1"}}, "customerId": "u-1", "useWatermark": false, "retentionDays": 7}""")]
    [InlineData("""{"product": {"externalId": "sku-1", "title": "Tee", "category": " Tops ", "images": [{"url": "https://198.51.100.8/a.jpg", "classifications": {"front": true}}]}, "customer": {"id": "img_1"}, "customerId": " u-1 ", "useWatermark": false, "retentionDays": 7}""")]
    [InlineData("""{"products": [{"externalId": "sku-1", "title": "Tee", "category": "tops", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"front": true}}]}], "person": {"image": {"source": {"id": "img_1"}}}, "externalUserId": "u-1", "customerId": "u-1", "output": {"watermark": false, "keepForDays": 7}, "retentionDays": 7}""")]
    public void The_deprecated_shapes_read_as_the_current_one(string deprecated)
    {
        var (current, _) = Read("""{"products": [{"externalId": "sku-1", "title": "Tee", "category": "tops", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"front": true}}]}], "person": {"image": {"source": {"id": "img_1"}}}, "externalUserId": "u-1", "output": {"watermark": false, "keepForDays": 7}}""");
        var (mapped, error) = Read(deprecated);
        Assert.Null(error);
        Assert.Equal(Describe(current!), Describe(mapped!));
        Assert.Equal("PersonSource { ImageId = img_1, Url = , FileKey =  } u-1 False 7 sku-1|Tee|tops||False||False|False|https://198.51.100.8/a.jpg,,front=True", Describe(mapped!));
    }

    [Fact]
    public void A_bare_reference_with_the_one_shot_prefix_is_allowed_and_no_field_is_given()
    {
        var (request, error) = Read("""{"products": [{"externalId": "_anon_01j"}], "person": {"image": {"source": {"fileKey": "me"}}}}""");
        Assert.Null(error);
        Assert.Equal("PersonSource { ImageId = , Url = , FileKey = me }    _anon_01j||||False||False|True|no images", Describe(request!));
    }

    [Theory]
    [InlineData("""{"person": {"image": {"source": {"id": "img_1"}}}}""", "products: Expected exactly one product.")]
    [InlineData("""{"products": [{"externalId": "a"}, {"externalId": "b"}], "person": {"image": {"source": {"id": "img_1"}}}}""", "products: Expected exactly one product.")]
    [InlineData("""{"products": [{"externalId": "p"}], "product": {"externalId": "p"}, "person": {"image": {"source": {"id": "img_1"}}}}""", "product: Send either products or the deprecated product, not both.")]
    [InlineData("""{"products": [5], "person": {"image": {"source": {"id": "img_1"}}}}""", "products.0: Expected an object.")]
    [InlineData("""{"product": "sku-1", "customer": {"id": "img_1"}}""", "product: Expected an object.")]
    [InlineData("""{"products": [{"title": 5}], "person": {"image": {"source": {"id": "img_1"}}}}""", "products.0.title: Expected a string.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "customer": {"id": "img_2"}}""", "customer: Send either person or the deprecated customer, not both.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": 5}}""", "person.image.source: Expected an object with one of id, url or fileKey.")]
    [InlineData("""{"products": [{"externalId": "p"}], "customer": "img_1"}""", "customer: Expected an object.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {}}}}""", "person.image.source: Expected one of id, url or fileKey.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1", "fileKey": "me"}}}}""", "person.image.source: Send only one of id, url or fileKey.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"url": "ftp://198.51.100.8/a.jpg"}}}}""", "person.image.source.url: Expected an absolute http or https URL without credentials.")]
    [InlineData("""{"products": [{"externalId": "p"}], "customer": {"url": "https://u:p@198.51.100.8/a.jpg"}}""", "customer.url: Expected an absolute http or https URL without credentials.")]
    [InlineData("""{"products": [{"externalId": "p"}], "customer": {"source": {"fileKey": 5}}}""", "customer.source.fileKey: Expected a string of at most 2048 characters. | customer.source: Expected one of id, url or fileKey.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "externalUserId": "   "}""", "externalUserId: Expected 1 to 256 characters.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "externalUserId": "a", "customerId": "b"}""", "externalUserId: Conflicts with the deprecated 'customerId'; send one of them.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "customerId": 7}""", "customerId: Expected a string of at most 2048 characters.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "output": 5}""", "output: Expected an object.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "output": {"watermark": "no"}}""", "output.watermark: Expected true or false.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "output": {"watermark": true}, "useWatermark": false}""", "output.watermark: Conflicts with the deprecated 'useWatermark'; send one of them.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "output": {"keepForDays": 5}}""", "output.keepForDays: Expected 1, 3 or 7.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "retentionDays": "7"}""", "retentionDays: Expected 1, 3 or 7.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": {"image": {"source": {"id": "img_1"}}}, "output": {"keepForDays": 3}, "retentionDays": 7}""", "output.keepForDays: Conflicts with the deprecated 'retentionDays'; send one of them.")]
    [InlineData("""{"products": 5, "person": {"image": {"source": {}}}, "customerId": 7, "output": 5, "useWatermark": 1, "retentionDays": 2}""", "products: Expected exactly one product. | person.image.source: Expected one of id, url or fileKey. | customerId: Expected a string of at most 2048 characters. | output: Expected an object. | useWatermark: Expected true or false. | retentionDays: Expected 1, 3 or 7.")]
    public void A_bad_field_is_VALIDATION_FAILED_at_its_path(string json, string issues)
    {
        var (request, error) = Read(json);
        Assert.Null(request);
        Assert.Equal(ErrorCodes.ValidationFailed, error!.Code);
        Assert.Equal(issues, Issues(error));
    }

    [Theory]
    [InlineData("""{"products": [{"externalId": "p"}]}""", "CUSTOMER_IMAGE_REQUIRED: The shopper image is required: send person.image.source with an id, url or fileKey.")]
    [InlineData("""{"products": [{"externalId": "p"}], "person": null, "customer": null}""", "CUSTOMER_IMAGE_REQUIRED: The shopper image is required: send person.image.source with an id, url or fileKey.")]
    [InlineData("""{"product": {"images": [{}]}, "customer": {"fileKey": "me"}}""", "INVALID_IMAGE_INPUT: product.images.0 has neither url nor fileKey.")]
    [InlineData("""{"products": [{"externalId": "_anon_1", "title": "t"}], "customer": {"fileKey": "me"}}""", "RESERVED_EXTERNAL_ID: externalId values starting with '_anon_' are reserved for server-generated ids.")]
    public void A_missing_part_answers_its_own_code_once_the_fields_are_valid(string json, string answer)
    {
        var (request, error) = Read(json);
        Assert.Null(request);
        Assert.Equal(answer, Issues(error!));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"try-on\"")]
    public void A_body_that_is_not_an_object_is_VALIDATION_FAILED_at_the_root(string json)
    {
        var (_, error) = Read(json);
        Assert.Equal(": Expected an object.", Issues(error!));
    }
}
