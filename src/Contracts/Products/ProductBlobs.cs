namespace TryOn.Contracts.Products;

/// <summary>
/// Where a product image's stored bytes live (<c>acct_…/products/pimg_….jpg</c> or <c>.png</c>): an upload, or the
/// cached copy of a URL image. One definition for the gateway that stores uploads and the silo that caches URLs.
/// </summary>
public static class ProductBlobs
{
    public static string Image(string accountId, string imageId, bool png) =>
        $"{accountId}/products/{imageId}{(png ? ".png" : ".jpg")}";
}
