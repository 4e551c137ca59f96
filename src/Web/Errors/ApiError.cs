using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>An error on its way to the client: a catalogue code, a human message and optional machine-readable details.</summary>
internal sealed record ApiError(string Code, string Message, object? Details = null)
{
    public int Status => ErrorCatalog.Get(Code).Status;

    public static ApiError Of(string code, string? message = null, object? details = null) =>
        new(code, message ?? ErrorCatalog.Get(code).DefaultMessage, details);

    public static ApiError Validation(params ValidationIssue[] issues) =>
        Of(ErrorCodes.ValidationFailed, details: issues);

    public static ApiError Validation(string path, string message) => Validation(new ValidationIssue(path, message));

    /// <summary>A <c>VALIDATION_FAILED</c> about the query string: each issue's path is a query parameter's name.</summary>
    public static ApiError QueryValidation(params ValidationIssue[] issues) =>
        Of(ErrorCodes.ValidationFailed, "A query parameter failed validation. See `details` for each parameter.", issues);

    public static ApiError QueryValidation(string parameter, string message) => QueryValidation(new ValidationIssue(parameter, message));
}

/// <summary>One offending field: a dotted path with numeric array indexes, as in <c>products.0.images.1.source.url</c>.</summary>
internal sealed record ValidationIssue(string Path, string Message);
