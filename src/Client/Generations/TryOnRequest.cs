using TryOn.Client.Products;

namespace TryOn.Client.Generations;

/// <summary>
/// The body of <c>POST /tryon/v1/try-on</c> (the 1.4 shape): one product, by reference, inline or one-shot, and the
/// shopper's photo. Build one with <see cref="ForProduct(string, ImageSource)"/> or
/// <see cref="WithProduct(ProductInput, ImageSource)"/>.
/// </summary>
public sealed record TryOnRequest
{
    /// <summary>Exactly one product.</summary>
    public required IReadOnlyList<ProductInput> Products { get; init; }

    public required PersonInput Person { get; init; }

    /// <summary>Your end user's id, so that <see cref="TryOnClient.EraseCustomerAsync"/> can erase their data.</summary>
    public string? ExternalUserId { get; init; }

    public OutputOptions? Output { get; init; }

    /// <summary>A try-on of a stored product (<c>POST /products</c>) by its external id.</summary>
    public static TryOnRequest ForProduct(string externalId, ImageSource person) => new()
    {
        Products = [new ProductInput { ExternalId = externalId }],
        Person = new PersonInput(new PersonImage(person)),
    };

    /// <summary>A try-on with the product given inline: created or updated when it has an external id, one-shot without.</summary>
    public static TryOnRequest WithProduct(ProductInput product, ImageSource person) => new()
    {
        Products = [product],
        Person = new PersonInput(new PersonImage(person)),
    };
}

/// <summary>The shopper in a try-on: <c>{ image: { source } }</c>.</summary>
public sealed record PersonInput(PersonImage Image);

public sealed record PersonImage(ImageSource Source);

/// <summary>What happens to the result: the account's logo stamped or not, and how long this call's images are kept.</summary>
public sealed record OutputOptions
{
    /// <summary>Stamp the account's logo (default: when the account has one).</summary>
    public bool? Watermark { get; init; }

    /// <summary>1, 3 or 7 days for this call's shopper photo and result.</summary>
    public int? KeepForDays { get; init; }
}

/// <summary>
/// An image by exactly one of: an uploaded image's id (<see cref="Uploaded"/>), a URL the server fetches
/// (<see cref="FromUrl(Uri)"/>), or a file part sent with the request (<see cref="FromFile"/>).
/// </summary>
public sealed record ImageSource
{
    public string? Id { get; init; }

    public string? Url { get; init; }

    public string? FileKey { get; init; }

    /// <summary>A photo stored by <see cref="TryOnClient.UploadImageAsync"/> (<c>img_…</c>).</summary>
    public static ImageSource Uploaded(string imageId) => new() { Id = imageId };

    public static ImageSource FromUrl(Uri url) => new() { Url = url.AbsoluteUri };

    /// <summary>A part of the request's multipart form: pass a <see cref="FilePart"/> with this key beside the request.</summary>
    public static ImageSource FromFile(string fileKey) => new() { FileKey = fileKey };
}
