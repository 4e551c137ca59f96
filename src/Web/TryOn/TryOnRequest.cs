using System.Text.Json;
using TryOn.Web.Customers;
using TryOn.Web.Errors;
using TryOn.Web.Json;
using TryOn.Web.Products;

namespace TryOn.Web.TryOn;

/// <summary>Where the shopper photo comes from: exactly one of an uploaded image id, a URL, or a multipart part.</summary>
internal sealed record PersonSource(string? ImageId, string? Url, string? FileKey);

/// <summary>
/// A try-on request in any accepted shape, read into one form: the 1.4 body (<c>products[]</c>, <c>person.image.source</c>,
/// <c>externalUserId</c>, <c>output</c>) and the deprecated 1.3 and 1.0 ones, mapped by <see cref="DeprecatedShapes"/>.
/// </summary>
internal sealed record TryOnRequest(ProductRequest Product, PersonSource Person, string? ExternalUserId, bool? Watermark, int? KeepForDays)
{
    private static readonly TryOnBodyValidator Validator = new();

    /// <summary>
    /// Reads and checks a try-on body: its own fields first (<see cref="TryOnBodyValidator"/>), then, once they are
    /// valid, its product at the path it was sent at.
    /// </summary>
    public static TryOnRequest? Read(JsonElement root, out ApiError? error)
    {
        var sent = RequestJson.Read<TryOnBody>(root);
        if (!sent.HasValue)
        {
            error = ApiError.Validation("", "Expected an object.");
            return null;
        }

        var body = sent.Value!;
        error = ValidationErrors.From(Validator.Validate(body));
        if (error is not null)
        {
            return null;
        }

        var (productBody, path) = DeprecatedShapes.Product(body);
        var product = ProductRequest.Read(productBody, path, requireExternalId: false, allowAnonymousReference: true, out error);
        if (product is null)
        {
            return null;
        }

        var source = DeprecatedShapes.PersonSource(body)!;
        ExternalUserIds.TryNormalize(DeprecatedShapes.ExternalUserId(body), out var externalUserId);
        return new TryOnRequest(
            product,
            new PersonSource(source.Id.Value, source.Url.Value, source.FileKey.Value),
            externalUserId,
            DeprecatedShapes.Watermark(body),
            DeprecatedShapes.KeepForDays(body));
    }
}
