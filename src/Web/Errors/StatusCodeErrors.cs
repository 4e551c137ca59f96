using Microsoft.AspNetCore.Diagnostics;
using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>
/// Gives an envelope to responses the framework ends with a bare status code (no route, wrong method…). A status
/// with no code of its own becomes the generic code of its class, and the answer takes that code's status.
/// </summary>
internal static class StatusCodeErrors
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var code = context.HttpContext.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ErrorCodes.RouteNotFound,
            StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
            StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
            StatusCodes.Status401Unauthorized => ErrorCodes.Unauthorized,
            StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
            StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
            >= 500 => ErrorCodes.InternalError,
            _ => ErrorCodes.BadRequest,
        };
        var request = context.HttpContext.Request;
        var message = code switch
        {
            ErrorCodes.RouteNotFound => $"No route matches {request.Method} {request.Path}.",
            ErrorCodes.MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
            _ => null,
        };
        return ErrorEnvelopeWriter.WriteAsync(context.HttpContext, ApiError.Of(code, message));
    }
}
