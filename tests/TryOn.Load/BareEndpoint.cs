using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Load;

/// <summary>
/// The physical limit a poll is measured against (docs/PERFORMANCE.md, "Cluster mode through a gateway"): a bare
/// Kestrel endpoint of the same shape as <c>GET /tryon/v1/generations/:id</c>, with nothing of TryOn in it. The
/// <c>x-api-key</c> header is looked up in a dictionary, the id in another, and the stored JSON (a copy of the real
/// answer) is written. On 127.0.0.1 only; it stops by itself after <c>--seconds</c> (at most 10 minutes).
/// </summary>
internal static class BareEndpoint
{
    public const string Usage = "usage: TryOn.Load bare --port N --key KEY --id ID --body FILE [--seconds S]";

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (!values.TryGetValue("--port", out var portText) || !int.TryParse(portText, out var port)
            || !values.TryGetValue("--key", out var key) || !values.TryGetValue("--id", out var id)
            || !values.TryGetValue("--body", out var bodyFile) || !File.Exists(bodyFile))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var seconds = values.TryGetValue("--seconds", out var secondsText) && int.TryParse(secondsText, out var given) ? Math.Clamp(given, 1, 600) : 120;
        var accounts = new Dictionary<string, string> { [key] = "acct_bare" }.ToFrozenDictionary(StringComparer.Ordinal);
        var generations = new Dictionary<string, byte[]> { [id] = await File.ReadAllBytesAsync(bodyFile) }.ToFrozenDictionary(StringComparer.Ordinal);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/tryon/v1/generations/{id}", async (string id, HttpContext context) =>
        {
            if (!context.Request.Headers.TryGetValue("x-api-key", out var presented) || !accounts.ContainsKey(presented.ToString()))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (!generations.TryGetValue(id, out var body))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(body);
        });

        await using var _ = app;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"bare endpoint on http://127.0.0.1:{port} for {seconds} s");
        await app.StartAsync(stop.Token);
        await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
