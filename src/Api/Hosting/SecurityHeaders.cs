namespace TryOn.Api.Hosting;

/// <summary>
/// Headers every answer carries: <c>X-Content-Type-Options: nosniff</c> everywhere (a browser never guesses a type we
/// did not send), and <c>Cache-Control: no-store</c> on the merchant and admin JSON (balances, keys shown once,
/// signed links), so no shared or browser cache keeps them. Set as the answer starts, so error answers have them too.
/// </summary>
internal static class SecurityHeaders
{
    private static readonly PathString[] PrivateJson = ["/tryon/v1", "/admin/v1"];

    public static IApplicationBuilder UseTryOnSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                response.Headers.XContentTypeOptions = "nosniff";
                if (PrivateJson.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                    && response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
