using System.Collections.Frozen;

namespace TryOn.Contracts.Errors;

/// <summary>One catalogue entry: the HTTP status a code always travels with and the message used when no better one is known.</summary>
public sealed record ErrorDefinition(string Code, int Status, string DefaultMessage, bool Additive);

/// <summary>
/// The single registry of error codes. HTTP answers, asynchronous generation failures and the merchant
/// documentation all read from here, and a test holds it to the customer's catalogue.
/// </summary>
public static class ErrorCatalog
{
    private static readonly ErrorDefinition[] Definitions =
    [
        Seed(ErrorCodes.MissingApiKey, 401, "The x-api-key header is missing."),
        Seed(ErrorCodes.InvalidApiKey, 401, "The API key was rejected: it is wrong, revoked, or its account is inactive."),
        Seed(ErrorCodes.Forbidden, 403, "The resource belongs to a different account."),
        Seed(ErrorCodes.ValidationFailed, 400, "Request body failed validation. See `details` for per-field errors."),
        Seed(ErrorCodes.ExternalIdRequired, 400, "externalId is required."),
        Seed(ErrorCodes.ProductImagesRequired, 400, "A new product needs at least one image."),
        Seed(ErrorCodes.CustomerImageRequired, 400, "The shopper image (person.image.source) is required."),
        Seed(ErrorCodes.FileRequired, 400, "The multipart field 'file' is required."),
        Seed(ErrorCodes.MultipartFileNotFound, 400, "A fileKey names a part that is not in the multipart payload."),
        Seed(ErrorCodes.InvalidImageInput, 400, "An image entry needs either a url or a fileKey."),
        Seed(ErrorCodes.InvalidImage, 400, "The image bytes are too small or malformed."),
        Seed(ErrorCodes.UnsupportedImageType, 400, "The image is not JPEG, PNG, WebP or HEIC."),
        Seed(ErrorCodes.CustomerImageFetchFailed, 400, "The shopper image URL could not be downloaded."),
        Seed(ErrorCodes.ProductImageFetchFailed, 400, "A product image URL could not be downloaded."),
        Seed(ErrorCodes.MissingRequiredClassification, 422, "No product image has the classification the engine requires."),
        Seed(ErrorCodes.FileTooLarge, 413, "An image exceeds 10 MB."),
        Seed(ErrorCodes.InsufficientCredits, 402, "The account has no credits left. Top up and retry."),
        Seed(ErrorCodes.QuotaExceeded, 402, "The account quota rejected the call. Back off and retry."),
        Seed(ErrorCodes.RateLimited, 429, "Per-account request budget exceeded. Back off and retry."),
        Seed(ErrorCodes.ProductNotFound, 404, "Product not found."),
        Seed(ErrorCodes.GenerationNotFound, 404, "Generation not found."),
        Seed(ErrorCodes.AccountNotFound, 404, "Account not found."),
        Seed(ErrorCodes.RouteNotFound, 404, "No route matches this path."),
        Seed(ErrorCodes.ReservedExternalId, 409, "externalId values starting with '_anon_' are reserved for server-generated ids."),
        Seed(ErrorCodes.InternalError, 500, "Unexpected failure on our side. Safe to retry with exponential backoff."),
        Seed(ErrorCodes.GenerationFailed, 500, "The generation pipeline failed. Safe to retry."),

        Ours(ErrorCodes.Unauthorized, 401, "The admin API needs 'Authorization: Bearer <admin token>'."),
        Ours(ErrorCodes.InvalidJson, 400, "The request body is not valid JSON."),
        Ours(ErrorCodes.BadRequest, 400, "The request is malformed."),
        Ours(ErrorCodes.MethodNotAllowed, 405, "This path does not accept that HTTP method."),
        Ours(ErrorCodes.UnsupportedMediaType, 415, "The request's Content-Type is not accepted here."),
        Ours(ErrorCodes.PayloadTooLarge, 413, "The request body exceeds the size limit for this endpoint."),
        Ours(ErrorCodes.ImageNotFound, 404, "Image not found or its retention has ended."),
        Ours(ErrorCodes.ApiKeyNotFound, 404, "API key not found."),
        Ours(ErrorCodes.MalformedMultipart, 400, "The multipart/form-data body cannot be read."),
        Ours(ErrorCodes.FileLinkInvalid, 403, "The file link has been altered or is not one of ours."),
        Ours(ErrorCodes.FileNotFound, 404, "The file does not exist any more, or its link has expired."),
        Ours(ErrorCodes.BillingNotConfigured, 503, "Buying credits is not set up on this server."),
        Ours(ErrorCodes.PaymentProviderError, 502, "The payment provider could not be reached or refused the request. Retry shortly."),
        Ours(ErrorCodes.PaymentNotRecorded, 409, "The event names a payment this server has not recorded yet; it is applied when delivered again."),
        Ours(ErrorCodes.WebhookSignatureInvalid, 400, "The webhook signature is missing, does not match, or is too old."),
        Ours(ErrorCodes.PersonNotFound, 422, "No person facing the camera was found in the shopper photo. Ask the shopper for another photo."),
        Ours(ErrorCodes.PersonTooSmall, 422, "The person is too small in the shopper photo. Ask the shopper for a closer photo."),
        Ours(ErrorCodes.CategoryNotSupported, 422, "No engine is installed for the product's category."),
        Ours(ErrorCodes.RequestTimeout, 408, "The request body did not arrive in time. Send it again, faster or smaller."),
        Ours(ErrorCodes.ServiceUnavailable, 503, "The server is busy. Retry after the time in Retry-After."),
        Ours(ErrorCodes.IdempotencyKeyReused, 422, "This Idempotency-Key was used for a different request. Use a new key for a new request."),
        Ours(ErrorCodes.IdempotencyKeyInUse, 409, "A request with this Idempotency-Key is still running. Retry once it has answered."),
        Ours(ErrorCodes.PoseNotSupported, 422, "The shopper's pose cannot be dressed with this garment. Ask the shopper for a photo facing the camera, arms at the sides."),
        Ours(ErrorCodes.WebhookEndpointNotFound, 404, "Webhook endpoint not found."),
        Ours(ErrorCodes.DashboardUserNotFound, 404, "The account has no dashboard user with this e-mail address."),
        Ours(ErrorCodes.EmailTaken, 409, "This e-mail address already signs in to another account's dashboard."),
    ];

    private static readonly FrozenDictionary<string, ErrorDefinition> ByCode =
        Definitions.ToFrozenDictionary(definition => definition.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<ErrorDefinition> All => Definitions;

    public static ErrorDefinition Get(string code) =>
        ByCode.TryGetValue(code, out var definition)
            ? definition
            : throw new ArgumentOutOfRangeException(nameof(code), code, "The code is not in the error catalogue.");

    public static bool TryGet(string code, out ErrorDefinition definition) =>
        ByCode.TryGetValue(code, out definition!);

    private static ErrorDefinition Seed(string code, int status, string message) => new(code, status, message, Additive: false);

    private static ErrorDefinition Ours(string code, int status, string message) => new(code, status, message, Additive: true);
}
