using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Client;

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of the real service, playing the network and the load balancer between a
/// merchant and us: it forwards every request unchanged unless a fault is queued for its path, and then answers in the
/// fault's place (an error of our own or a proxy's page) or forwards and cuts the connection before the answer (the
/// service did the work, the client never heard). It records each request it saw, with its Idempotency-Key.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentQueue<(string Path, Fault Fault)> _faults = new();

    private FaultInjectingProxy(WebApplication app, Uri upstream)
    {
        _app = app;
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = upstream };
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request seen, in order: method, path and its Idempotency-Key (null when it had none).</summary>
    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public static async Task<FaultInjectingProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FaultInjectingProxy(app, upstream);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.BaseAddress = new Uri(app.Urls.Single() + "/");
        return proxy;
    }

    /// <summary>The next request to <paramref name="path"/> (its path, without the query) meets <paramref name="fault"/>.</summary>
    public void Inject(string path, Fault fault) => _faults.Enqueue((path, fault));

    public IReadOnlyList<SeenRequest> SeenAt(string path) => Seen.Where(request => request.Path == path).ToList();

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        Seen.Enqueue(new SeenRequest(context.Request.Method, path, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
        var fault = NextFault(path);
        switch (fault)
        {
            case Fault.Answer answer:
                context.Response.StatusCode = answer.Status;
                if (answer.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                context.Response.ContentType = answer.ContentType;
                await context.Response.WriteAsync(answer.Body);
                return;
            case Fault.DropAfterForwarding:
                using (await ForwardAsync(context))
                {
                    context.Abort();
                }

                return;
            default:
                using (var response = await ForwardAsync(context))
                {
                    await CopyAsync(response, context);
                }

                return;
        }
    }

    private Fault? NextFault(string path)
    {
        lock (_faults)
        {
            var pending = _faults.ToList();
            var index = pending.FindIndex(item => item.Path == path);
            if (index < 0)
            {
                return null;
            }

            _faults.Clear();
            foreach (var (item, i) in pending.Select((item, i) => (item, i)).Where(entry => entry.i != index))
            {
                _faults.Enqueue(item);
            }

            return pending[index].Fault;
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (body.Length > 0 || context.Request.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return await _upstream.SendAsync(request);
    }

    private static async Task CopyAsync(HttpResponseMessage response, HttpContext context)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body);
    }
}

public sealed record SeenRequest(string Method, string Path, string? IdempotencyKey);

/// <summary>What the proxy does to one request instead of forwarding it.</summary>
public abstract record Fault
{
    /// <summary>Answers in the service's place: the service never sees the request.</summary>
    public sealed record Answer(int Status, string Body, string ContentType, int? RetryAfterSeconds = null) : Fault;

    /// <summary>Forwards the request, lets the service answer, and cuts the connection before the client reads a byte.</summary>
    public sealed record DropAfterForwarding : Fault;

    /// <summary>Our own error envelope, as the service would send it.</summary>
    public static Answer Error(int status, string code, int? retryAfterSeconds = null, string details = "null") => new(
        status,
        $$"""{"code":"{{code}}","message":"Injected by the test proxy.","status":{{status}},"requestId":"req_proxy","details":{{details}}}""",
        "application/json",
        retryAfterSeconds);

    /// <summary>A load balancer's own page, not our envelope.</summary>
    public static Answer ProxyPage(int status) => new(status, "<html><body>Bad gateway</body></html>", "text/html");
}
