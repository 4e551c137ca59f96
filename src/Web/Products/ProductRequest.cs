using System.Collections.Immutable;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Internal;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Products;
using TryOn.Web.Errors;
using TryOn.Web.Json;
using TryOn.Web.TryOn;

namespace TryOn.Web.Products;

/// <summary>One image of a product request: a URL or the name of a multipart part, plus caller classifications.</summary>
internal sealed record ProductImageRequest(string? Url, string? FileKey, ImmutableDictionary<string, bool> Classifications);

/// <summary>
/// A product as the catalogue takes it, from a <see cref="ProductBody"/> sent to <c>POST /products</c> or inline in a
/// try-on: "absent" and "null" stay different (the <c>…Given</c> flags): absent fields keep their value on update,
/// <c>validForDays: null</c> means forever.
/// </summary>
internal sealed record ProductRequest(
    string? ExternalId,
    string? Title,
    string? Description,
    string? Category,
    ImmutableArray<ProductImageRequest>? Images,
    string? MetadataJson,
    bool MetadataGiven,
    int? ValidForDays,
    bool ValidForDaysGiven,
    bool IsReference)
{
    public const int MaxTitleLength = 500;
    public const int MaxDescriptionLength = 5000;
    public const int MaxImages = 10;
    public const int MaxMetadataBytes = 16 * 1024;

    private static readonly ProductBodyValidator Validator = new();

    /// <inheritdoc cref="Read(Optional{ProductBody}, string, bool, bool, out ApiError?)"/>
    public static ProductRequest? Read(JsonElement element, string path, bool requireExternalId, bool allowAnonymousReference, out ApiError? error) =>
        Read(RequestJson.Read<ProductBody>(element), path, requireExternalId, allowAnonymousReference, out error);

    /// <summary>
    /// Reads and checks a product sent at <paramref name="path"/> ("" for a whole body). What the product is comes first
    /// and answers alone: without an external id where one is required (<c>EXTERNAL_ID_REQUIRED</c>), or with a reserved
    /// one (<c>RESERVED_EXTERNAL_ID</c>); then every field problem is collected by <see cref="ProductBodyValidator"/>.
    /// With <paramref name="allowAnonymousReference"/>, a bare reference to a one-shot product (<c>_anon_…</c>) is
    /// allowed, as try-on allows it; creating one never is.
    /// </summary>
    public static ProductRequest? Read(Optional<ProductBody> sent, string path, bool requireExternalId, bool allowAnonymousReference, out ApiError? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!sent.HasValue)
        {
            error = ApiError.Validation(path, "Expected an object.");
            return null;
        }

        var body = sent.Value!;
        // A malformed id is a field problem, reported with the others.
        var externalId = body.ExternalId.TextWithin(ProductKeys.MaxExternalIdLength);
        if (!body.ExternalId.IsSet || externalId is not null)
        {
            if (requireExternalId && string.IsNullOrEmpty(externalId))
            {
                error = ApiError.Of(ErrorCodes.ExternalIdRequired);
                return null;
            }

            if (externalId is not null && externalId.StartsWith(ProductKeys.AnonymousPrefix, StringComparison.Ordinal)
                && !(allowAnonymousReference && body.IsReference))
            {
                error = ApiError.Of(ErrorCodes.ReservedExternalId, $"externalId values starting with '{ProductKeys.AnonymousPrefix}' are reserved for server-generated ids.");
                return null;
            }
        }

        var context = path.Length == 0
            ? new ValidationContext<ProductBody>(body)
            : new ValidationContext<ProductBody>(body, new PropertyChain(path.Split('.')), ValidatorOptions.Global.ValidatorSelectors.DefaultValidatorSelectorFactory());
        error = ValidationErrors.From(Validator.Validate(context));
        if (error is not null)
        {
            return null;
        }

        return new ProductRequest(
            externalId,
            body.Title.Value,
            body.Description.Value,
            ProductBodyValidator.Category(body.Category),
            DeprecatedShapes.Images(body),
            body.Metadata.HasValue ? body.Metadata.Value.GetRawText() : null,
            body.Metadata.IsGiven,
            body.ValidForDays.HasValue ? body.ValidForDays.Value : null,
            body.ValidForDays.IsGiven,
            body.IsReference);
    }
}
