using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>
/// The last stop for exceptions: malformed requests become their 4xx code; a grain call that failed because the
/// cluster could not reach the grain (its silo died or is restarting, the call timed out) becomes <c>503
/// SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>, logged as a warning; anything else is a bug and becomes
/// <c>INTERNAL_ERROR</c> with the request id, logged with that id so support can find it.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger)
{
    /// <summary>Runs as the exception handler middleware's handler, after it has cleared the failed response.</summary>
    public static Task HandleAsync(HttpContext httpContext) =>
        httpContext.RequestServices.GetRequiredService<ApiExceptionHandler>()
            .HandleAsync(httpContext, httpContext.Features.GetRequiredFeature<IExceptionHandlerFeature>().Error);

    private async Task HandleAsync(HttpContext httpContext, Exception exception)
    {
        ApiError error;
        if (exception is BadHttpRequestException badRequest)
        {
            error = BadRequestErrors.From(badRequest);
        }
        else if (IsUnreadableCharset(httpContext, exception))
        {
            // JSON body binding throws this, not a bad-request exception, for a charset no decoder exists for.
            error = ApiError.Of(ErrorCodes.UnsupportedMediaType, "The charset named in Content-Type cannot be read; send UTF-8 JSON.");
        }
        else if (ClusterFailures.IsUnreachable(exception))
        {
            LogClusterUnavailable(logger, exception.GetType().Name, httpContext.TraceIdentifier);
            var seconds = (int)ClusterRetryAfter.TotalSeconds;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            error = ApiError.Of(
                ErrorCodes.ServiceUnavailable,
                $"A part of the service is moving to another server. Retry after {seconds} s; quote request id '{httpContext.TraceIdentifier}' if it recurs.",
                new Dictionary<string, object> { ["retryAfterSeconds"] = seconds });
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to read an answer.
            return;
        }
        else
        {
            // The route's pattern, not the path: paths can carry end-user ids.
            var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            LogUnhandled(logger, exception, httpContext.TraceIdentifier, httpContext.Request.Method, route);
            error = ApiError.Of(
                ErrorCodes.InternalError,
                $"Unexpected failure on our side. Safe to retry with exponential backoff; quote request id '{httpContext.TraceIdentifier}' if it recurs.");
        }

        await ErrorEnvelopeWriter.WriteAsync(httpContext, error);
    }

    /// <summary>
    /// How long a client is asked to wait when a grain could not be reached: about the time Orleans' default failure
    /// detection takes to declare a dead silo and let its grains activate elsewhere.
    /// </summary>
    private static readonly TimeSpan ClusterRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Malformed requests are the client's mistake, not ours, and an unreachable grain is logged as a warning here: the
    /// middleware logs no error for either.
    /// </summary>
    public static bool IsClientFault(HttpContext httpContext, Exception exception) =>
        exception is BadHttpRequestException || IsUnreadableCharset(httpContext, exception) || ClusterFailures.IsUnreachable(exception);

    /// <summary>A grain call that failed for the cluster's sake, not the request's: the grain's silo is gone, unreachable or too slow to answer.</summary>
    private static bool IsUnreadableCharset(HttpContext httpContext, Exception exception)
    {
        if (exception is not InvalidOperationException
            || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(httpContext.Request.ContentType, out var contentType)
            || contentType.Charset.Value is not { Length: > 0 } charset)
        {
            return false;
        }

        try
        {
            _ = System.Text.Encoding.GetEncoding(charset);
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [LoggerMessage(2, LogLevel.Warning, "A grain could not be reached ({Exception}) for request {RequestId}; answered 503 SERVICE_UNAVAILABLE")]
    private static partial void LogClusterUnavailable(ILogger logger, string exception, string requestId);

    [LoggerMessage(1, LogLevel.Error, "Unhandled exception for request {RequestId} {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId, string method, string route);
}
