using System.IO.Compression;
using System.Reflection;
using Microsoft.Net.Http.Headers;
using Scalar.AspNetCore;

namespace TryOn.Web.OpenApi;

/// <summary>
/// The interactive API reference at <c>/docs</c>: Scalar's standalone bundle, served from the Scalar.AspNetCore
/// package's embedded assets (nothing from a CDN), started by a script file of ours with our settings. The package's
/// own page starts Scalar from an inline script, which the HTML pages' Content-Security-Policy forbids
/// (<see cref="Hosting.SecurityHeaders"/>), so this page replaces it.
/// </summary>
internal static class ApiReference
{
    public const string Path = "/docs";

    private static readonly Assembly Ours = typeof(ApiReference).Assembly;
    private static readonly Assembly Scalar = typeof(ScalarOptions).Assembly;

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        var page = new Asset(Ours, "ApiReference.api-reference.html", "text/html; charset=utf-8", gzipped: false);
        var script = new Asset(Ours, "ApiReference.api-reference.js", "text/javascript; charset=utf-8", gzipped: false);
        var bundle = new Asset(Scalar, "ScalarStaticAssets.scalar.js", "text/javascript; charset=utf-8", gzipped: true);
        var icon = new Asset(Scalar, "ScalarStaticAssets.favicon.svg", "image/svg+xml", gzipped: true);

        var reference = endpoints.MapGroup(Path).ExcludeFromDescription().AllowAnonymous();
        reference.MapGet("", page.Serve);
        reference.MapGet("/api-reference.js", script.Serve);
        reference.MapGet("/scalar.js", bundle.Serve);
        reference.MapGet("/favicon.svg", icon.Serve);
        return endpoints;
    }

    /// <summary>
    /// A file embedded in an assembly (the package keeps its assets gzipped: sent as they are to a client that
    /// accepts gzip, unpacked for one that does not). Revalidated on every load, so a package update shows at once.
    /// </summary>
    private sealed class Asset(Assembly assembly, string resourceName, string contentType, bool gzipped)
    {
        private readonly EntityTagHeaderValue _entityTag = assembly.GetManifestResourceInfo(resourceName) is not null
            ? new EntityTagHeaderValue($"\"{assembly.ManifestModule.ModuleVersionId:N}\"")
            : throw new InvalidOperationException($"{assembly.GetName().Name} holds no resource '{resourceName}'; the API reference cannot be served.");

        public IResult Serve(HttpContext context)
        {
            var response = context.Response;
            response.Headers.CacheControl = "no-cache";
            var stream = assembly.GetManifestResourceStream(resourceName)!;
            if (!gzipped)
            {
                return TypedResults.Stream(stream, contentType, entityTag: _entityTag);
            }

            response.Headers.Vary = HeaderNames.AcceptEncoding;
            if (AcceptsGzip(context.Request))
            {
                response.Headers.ContentEncoding = "gzip";
                return TypedResults.Stream(stream, contentType, entityTag: _entityTag);
            }

            return TypedResults.Stream(new GZipStream(stream, CompressionMode.Decompress), contentType, entityTag: _entityTag);
        }

        private static bool AcceptsGzip(HttpRequest request) =>
            request.GetTypedHeaders().AcceptEncoding.Any(encoding =>
                encoding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && encoding.Quality != 0);
    }
}
