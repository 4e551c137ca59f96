using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// A small web server on 127.0.0.1 playing a merchant's image host: images, redirects, errors, huge and slow
/// answers. It counts requests so a test can prove one was never made.
/// </summary>
public sealed class LoopbackImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LoopbackImageServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _served = new(StringComparer.Ordinal);

    public byte[] Image { get; } = TestImages.Read("person-astronaut.png");

    public static async Task<LoopbackImageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackImageServer(app);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            return next(context);
        });
        app.MapGet("/image.png", () => Results.Bytes(server.Image, "image/png"));
        app.MapGet("/served/{name}", (string name) => server._served.TryGetValue(name, out var bytes) ? Results.Bytes(bytes, "image/png") : Results.NotFound());
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/hops/{count:int}", (int count) => count == 0 ? Results.Bytes(server.Image, "image/png") : Results.Redirect($"/hops/{count - 1}"));
        app.MapGet("/huge", async (HttpContext context, bool declared) =>
        {
            const int Size = 11 * 1024 * 1024;
            if (declared)
            {
                context.Response.ContentLength = Size;
            }

            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < Size && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/slow", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Results.Bytes(server.Image, "image/png");
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>Serves <paramref name="bytes"/> at <c>/served/<paramref name="name"/></c> and returns its URL.</summary>
    public string Serve(string name, byte[] bytes)
    {
        _served[name] = bytes;
        return Url("/served/" + name);
    }

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
