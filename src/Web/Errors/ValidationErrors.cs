using FluentValidation.Results;
using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>
/// Turns the failures of a request validator into the one error the client gets. Field problems answer
/// <c>VALIDATION_FAILED</c>, one detail each in the order found; a failure with a catalogue code of its own (an image with
/// neither url nor fileKey, a try-on without a shopper photo) answers alone, with its code and message, once every field
/// is valid.
/// </summary>
internal static class ValidationErrors
{
    public static ApiError? From(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsValid)
        {
            return null;
        }

        var issues = result.Errors.Where(failure => !HasOwnCode(failure))
            .Select(failure => new ValidationIssue(failure.CustomState is SentPath sent ? sent.Path : ValidationPaths.ToDotted(failure.PropertyName), failure.ErrorMessage))
            .ToArray();
        if (issues.Length > 0)
        {
            return ApiError.Validation(issues);
        }

        var coded = result.Errors[0];
        return ApiError.Of(coded.ErrorCode, coded.ErrorMessage);
    }

    /// <summary>A failure that answers with <paramref name="code"/> instead of a validation detail.</summary>
    public static ValidationFailure Coded(string code, string message) => new("", message) { ErrorCode = code };

    /// <summary>
    /// A failure at <paramref name="dottedPath"/> exactly, for a path that holds a name the client chose (a classification
    /// key), which must come back as sent rather than camel-cased like the names of properties.
    /// </summary>
    public static ValidationFailure AtSentPath(string dottedPath, string message) => new(dottedPath, message) { CustomState = new SentPath(dottedPath) };

    private static bool HasOwnCode(ValidationFailure failure) =>
        failure.ErrorCode is { } code && code != ErrorCodes.ValidationFailed && ErrorCatalog.TryGet(code, out _);

    private sealed record SentPath(string Path);
}
