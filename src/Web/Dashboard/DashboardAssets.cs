namespace TryOn.Web.Dashboard;

/// <summary>
/// The dashboard's one stylesheet and one script, embedded in the assembly and served by the app itself (no CDN, no
/// build step): <c>/dashboard/dashboard.css</c> and <c>/dashboard/dashboard.js</c>, cached for an hour.
/// </summary>
internal static class DashboardAssets
{
    public const string TooManyAttemptsPage =
        """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Too many attempts · TryOn</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head><body><main class="narrow"><h1>Too many attempts</h1><p>Wait a minute, then <a href="/dashboard/sign-in">try again</a>.</p></main></body></html>""";

    public const string OwnersOnlyPage =
        """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Owners only · TryOn</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head><body><main class="narrow"><h1>Owners only</h1><p>Only the account's owners can change this. Ask one of them, or go <a href="/dashboard">back to the overview</a>.</p></main></body></html>""";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/dashboard/dashboard.css", "Dashboard.dashboard.css", "text/css; charset=utf-8"),
        ("/dashboard/dashboard.js", "Dashboard.dashboard.js", "text/javascript; charset=utf-8"),
    ];

    public static void MapDashboardAssets(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            endpoints.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Bytes(bytes, contentType);
            }).ExcludeFromDescription();
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard asset {resource} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
