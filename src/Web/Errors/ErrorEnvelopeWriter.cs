using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace TryOn.Web.Errors;

/// <summary>
/// The single writer of error responses: endpoints, authentication, the exception handler and bare status
/// codes all end here, so every failure has the same envelope, headers and request id.
/// </summary>
internal static class ErrorEnvelopeWriter
{
    public const string ContentType = "application/json; charset=utf-8";

    public static async Task WriteAsync(HttpContext context, ApiError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        if (context.Response.HasStarted)
        {
            // Too late for an envelope; cutting the connection tells the client the answer is incomplete.
            context.Abort();
            return;
        }

        var status = error.Status;
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        // Set again here: the exception handler clears headers set earlier in the pipeline.
        response.Headers[RequestIdMiddleware.HeaderName] = context.TraceIdentifier;
        var envelope = new ErrorEnvelope(error.Code, error.Message, status, error.Details, context.TraceIdentifier);
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await response.WriteAsJsonAsync(envelope, json, ContentType, context.RequestAborted);
    }
}
