namespace TryOn.Web.Hosting;

/// <summary>
/// Request size limits of the HTTP edge. JSON bodies are small; endpoints that take image uploads raise the
/// limit for themselves. Over the limit, Kestrel stops reading and the client gets <c>PAYLOAD_TOO_LARGE</c>.
/// </summary>
internal static class RequestLimits
{
    public const long MaxJsonBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddTryOnRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
