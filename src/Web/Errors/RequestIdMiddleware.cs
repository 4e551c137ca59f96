using TryOn.Contracts.Ids;
namespace TryOn.Web.Errors;

/// <summary>
/// Gives every request an id: the caller's <c>x-request-id</c> when it is short and plain, otherwise a new one.
/// It is echoed on every response and carried in every error envelope and log line.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, TimeProvider timeProvider)
{
    public const string HeaderName = "x-request-id";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName];
        var requestId = incoming.Count == 1 && IsAcceptable(incoming[0])
            ? incoming[0]!
            : "req_" + Ulid.NewUlid(timeProvider).ToLowerInvariant();
        context.TraceIdentifier = requestId;
        context.Response.Headers[HeaderName] = requestId;
        return next(context);
    }

    private static bool IsAcceptable(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
