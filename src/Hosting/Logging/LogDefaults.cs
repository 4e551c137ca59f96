using Microsoft.Extensions.Logging;

namespace TryOn.Hosting.Logging;

public static class LogDefaults
{
    /// <summary>
    /// What both hosts log by default: Information and above, but no line per request or per grain placement, and not
    /// Orleans' dump of its options at start. Per-request and per-placement lines cost more than the request itself
    /// under load (the console logger serialises every line), and request paths carry personal data (end-user ids in
    /// <c>/customers/:customerId</c>). Failures in these categories still log.
    /// </summary>
    public static ILoggingBuilder AddTryOnLogDefaults(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        // As the ASP.NET Core templates have it: request start and finish lines (with the path), the endpoint chosen,
        // the result written; several lines for every request.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Orleans places every new activation through a Polly pipeline that reports each execution at Information.
        logging.AddFilter("Polly", LogLevel.Warning);
        // At start Orleans prints every options class it uses (about 200 lines on a silo) before "Now listening";
        // Logging__LogLevel__Orleans.Runtime.SiloOptionsLogger=Information shows them again.
        logging.AddFilter("Orleans.Runtime.SiloOptionsLogger", LogLevel.Warning);
        logging.AddFilter("Orleans.Runtime.ClientOptionsLogger", LogLevel.Warning);
        return logging;
    }
}
