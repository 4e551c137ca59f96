using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Webhooks;

/// <summary>
/// A merchant's webhook endpoint on 127.0.0.1: it records every request (path, headers, raw body) and answers what the
/// test scripted for its path (a status, or a redirect), 200 once the script is used up. GETs answer 404, so a product
/// image URL on it fails to fetch.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context, string path) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            receiver._received.Enqueue(new ReceivedWebhook(
                "/" + path,
                context.Request.Headers["TryOn-Signature"].ToString(),
                context.Request.ContentType,
                context.Request.Headers.UserAgent.ToString(),
                body.ToArray()));
            var status = receiver._scripts.TryGetValue("/" + path, out var script) && script.TryDequeue(out var scripted) ? scripted : 200;
            return status is >= 300 and < 400 ? Results.Redirect("/redirected" + "/" + path) : Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>The URL of <paramref name="path"/> on this receiver.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>The next requests to <paramref name="path"/> get these statuses in turn (3xx: a redirect elsewhere).</summary>
    public void Answer(string path, params int[] statuses) => _scripts[path] = new ConcurrentQueue<int>(statuses);

    public IReadOnlyList<ReceivedWebhook> ReceivedAt(string path) => [.. _received.Where(request => request.Path == path)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Path, string Signature, string? ContentType, string UserAgent, byte[] Body)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}
