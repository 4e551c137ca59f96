using System.Text.Json;
using TryOn.Tests.Generations;
using TryOn.Web.Errors;
using TryOn.Web.Products;

namespace TryOn.Tests.Products;

/// <summary>Reading a product body (docs/products.md): absent and null differ, the 1.0 image shapes map onto 1.3's, and each problem is named at its path.</summary>
public sealed class ProductBodyTests
{
    private static (ProductRequest? Product, ApiError? Error) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var product = ProductRequest.Read(document.RootElement, "", requireExternalId: true, allowAnonymousReference: false, out var error);
        return (product, error);
    }

    [Theory]
    [InlineData("""{"externalId": "p"}""", "p||||False||False|True|no images")]
    [InlineData("""{"externalId": "p", "metadata": null, "validForDays": null}""", "p||||True||True|False|no images")]
    [InlineData("""{"externalId": "p", "metadata": {"color" : "red"}, "validForDays": 30}""", """p|||{"color" : "red"}|True|30|True|False|no images""")]
    public void Absent_and_null_fields_are_told_apart(string json, string expected) =>
        Assert.Equal(expected, TryOnBodyTests.Describe(Read(json).Product!));

    [Theory]
    [InlineData("""{"externalId": "p", "imageUrls": ["https://198.51.100.8/a.jpg"]}""")]
    [InlineData("""{"externalId": "p", "images": [{"url": "https://198.51.100.8/a.jpg"}]}""")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": null}]}""")]
    public void The_deprecated_image_shapes_read_as_the_current_one(string json) =>
        Assert.Equal("p||||False||False|False|https://198.51.100.8/a.jpg,,", TryOnBodyTests.Describe(Read(json).Product!));

    [Theory]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "url": null}]}""", "images.0: Put url or fileKey inside source only.")]
    [InlineData("""{"externalId": "p", "images": [{"source": "https://198.51.100.8/a.jpg"}]}""", "images.0.source: Expected an object.")]
    [InlineData("""{"externalId": "p", "images": [{"url": "https://198.51.100.8/a.jpg", "fileKey": "f"}]}""", "images.0: Send either url or fileKey, not both.")]
    [InlineData("""{"externalId": "p", "images": [{"fileKey": 5}]}""", "images.0.fileKey: Expected a string.")]
    [InlineData("""{"externalId": "p", "images": {"url": "https://198.51.100.8/a.jpg"}}""", "images: Expected an array of at most 10 images.")]
    [InlineData("""{"externalId": "p", "imageUrls": "https://198.51.100.8/a.jpg"}""", "imageUrls: Expected an array of at most 10 URLs.")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"Front": true, "front": 1}}]}""", "images.0.classifications.Front: Unknown classification; expected one of: back, detail, flat_lay, front, ghost_mannequin, on_model. | images.0.classifications.front: Expected true or false.")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": ["front"]}]}""", "images.0.classifications: Expected an object of boolean flags.")]
    [InlineData("""{"externalId": "p", "category": " Spaceship "}""", "category: Expected one of: accessories, bottoms, dresses, eyewear, footwear, headwear, other, outerwear, tops.")]
    [InlineData("""{"externalId": 5, "title": 5}""", "externalId: Expected a string. | title: Expected a string.")]
    [InlineData("""{"externalId": "p", "validForDays": 1.5, "metadata": 5}""", "validForDays: Expected an integer from 1 to 365, or null.")]
    public void A_bad_field_is_VALIDATION_FAILED_at_its_path(string json, string issues)
    {
        var (product, error) = Read(json);
        Assert.Null(product);
        Assert.Equal(issues, TryOnBodyTests.Issues(error!));
    }

    [Theory]
    [InlineData("""{"title": 5}""", "EXTERNAL_ID_REQUIRED")]
    [InlineData("""{"externalId": "", "title": 5}""", "EXTERNAL_ID_REQUIRED")]
    [InlineData("""{"externalId": "_anon_1"}""", "RESERVED_EXTERNAL_ID")]
    [InlineData("""{"externalId": "p", "images": [{"classifications": {"front": true}}]}""", "INVALID_IMAGE_INPUT")]
    [InlineData("""{"externalId": "p", "images": [{}], "validForDays": 0}""", "VALIDATION_FAILED")]
    public void The_identity_answers_before_the_fields_and_a_missing_image_source_after_them(string json, string code) =>
        Assert.Equal(code, Read(json).Error!.Code);
}
