namespace TryOn.Contracts.Errors;

/// <summary>
/// The stable error codes of the API. The first group is the customer's catalogue (seeds/errors.md);
/// the second group is ours and additive. A code never changes meaning once published.
/// </summary>
public static class ErrorCodes
{
    // Customer catalogue.
    public const string MissingApiKey = "MISSING_API_KEY";
    public const string InvalidApiKey = "INVALID_API_KEY";
    public const string Forbidden = "FORBIDDEN";
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string ExternalIdRequired = "EXTERNAL_ID_REQUIRED";
    public const string ProductImagesRequired = "PRODUCT_IMAGES_REQUIRED";
    public const string CustomerImageRequired = "CUSTOMER_IMAGE_REQUIRED";
    public const string FileRequired = "FILE_REQUIRED";
    public const string MultipartFileNotFound = "MULTIPART_FILE_NOT_FOUND";
    public const string InvalidImageInput = "INVALID_IMAGE_INPUT";
    public const string InvalidImage = "INVALID_IMAGE";
    public const string UnsupportedImageType = "UNSUPPORTED_IMAGE_TYPE";
    public const string CustomerImageFetchFailed = "CUSTOMER_IMAGE_FETCH_FAILED";
    public const string ProductImageFetchFailed = "PRODUCT_IMAGE_FETCH_FAILED";
    public const string MissingRequiredClassification = "MISSING_REQUIRED_CLASSIFICATION";
    public const string FileTooLarge = "FILE_TOO_LARGE";
    public const string InsufficientCredits = "INSUFFICIENT_CREDITS";
    public const string QuotaExceeded = "QUOTA_EXCEEDED";
    public const string RateLimited = "RATE_LIMITED";
    public const string ProductNotFound = "PRODUCT_NOT_FOUND";
    public const string GenerationNotFound = "GENERATION_NOT_FOUND";
    public const string AccountNotFound = "ACCOUNT_NOT_FOUND";
    public const string RouteNotFound = "ROUTE_NOT_FOUND";
    public const string ReservedExternalId = "RESERVED_EXTERNAL_ID";
    public const string InternalError = "INTERNAL_ERROR";
    public const string GenerationFailed = "GENERATION_FAILED";

    // Our additive codes.
    public const string Unauthorized = "UNAUTHORIZED";
    public const string InvalidJson = "INVALID_JSON";
    public const string BadRequest = "BAD_REQUEST";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string ImageNotFound = "IMAGE_NOT_FOUND";
    public const string ApiKeyNotFound = "API_KEY_NOT_FOUND";
    public const string MalformedMultipart = "MALFORMED_MULTIPART";
    public const string FileLinkInvalid = "FILE_LINK_INVALID";
    public const string FileNotFound = "FILE_NOT_FOUND";
    public const string BillingNotConfigured = "BILLING_NOT_CONFIGURED";
    public const string PaymentProviderError = "PAYMENT_PROVIDER_ERROR";
    public const string WebhookSignatureInvalid = "WEBHOOK_SIGNATURE_INVALID";
    public const string PaymentNotRecorded = "PAYMENT_NOT_RECORDED";
    public const string PersonNotFound = "PERSON_NOT_FOUND";
    public const string PersonTooSmall = "PERSON_TOO_SMALL";
    public const string PoseNotSupported = "POSE_NOT_SUPPORTED";
    public const string CategoryNotSupported = "CATEGORY_NOT_SUPPORTED";
    public const string RequestTimeout = "REQUEST_TIMEOUT";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string IdempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE";
    public const string WebhookEndpointNotFound = "WEBHOOK_ENDPOINT_NOT_FOUND";
    public const string DashboardUserNotFound = "DASHBOARD_USER_NOT_FOUND";
    public const string EmailTaken = "EMAIL_TAKEN";
}
