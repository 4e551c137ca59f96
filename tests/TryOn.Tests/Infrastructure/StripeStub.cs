using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// A Stripe-shaped HTTP server on 127.0.0.1: it creates Checkout Sessions the way Stripe answers them and records
/// what the client sent. Events are signed here the way Stripe signs webhooks (HMAC-SHA256 over "t.payload").
/// </summary>
public sealed class StripeStub : IAsyncDisposable
{
    public const string SecretKey = "sk_test_tryon";
    public const string WebhookSecret = "whsec_tryon_test_secret";

    private readonly WebApplication _app;
    private int _sessions;

    private StripeStub(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The form fields of every Checkout Session request, in order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> SessionRequests { get; } = new();

    /// <summary>When set, session creation fails the way Stripe refuses a request.</summary>
    public bool Refuse { get; set; }

    public static async Task<StripeStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StripeStub(app);
        app.MapPost("/v1/checkout/sessions", async (HttpRequest request) =>
        {
            if (request.Headers.Authorization.ToString() != "Bearer " + SecretKey)
            {
                return Results.Json(new { error = new { type = "invalid_request_error", message = "Invalid API Key provided" } }, statusCode: 401);
            }

            if (stub.Refuse)
            {
                return Results.Json(new { error = new { type = "invalid_request_error", code = "parameter_invalid", message = "Refused by the stub" } }, statusCode: 400);
            }

            var form = (await request.ReadFormAsync()).ToDictionary(field => field.Key, field => field.Value.ToString(), StringComparer.Ordinal);
            stub.SessionRequests.Enqueue(form);
            var id = "cs_test_" + Interlocked.Increment(ref stub._sessions).ToString(CultureInfo.InvariantCulture);
            return Results.Json(new Dictionary<string, object?>
            {
                ["id"] = id,
                ["object"] = "checkout.session",
                ["mode"] = "payment",
                ["status"] = "open",
                ["payment_status"] = "unpaid",
                ["url"] = "https://checkout.stripe.test/c/pay/" + id,
                ["amount_total"] = long.Parse(form["line_items[0][price_data][unit_amount]"], CultureInfo.InvariantCulture),
                ["currency"] = form["line_items[0][price_data][currency]"],
                ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
                ["metadata"] = form.Where(field => field.Key.StartsWith("metadata[", StringComparison.Ordinal))
                    .ToDictionary(field => field.Key["metadata[".Length..^1], field => field.Value),
            });
        });
        await app.StartAsync();
        stub.BaseAddress = new Uri(app.Urls.First());
        return stub;
    }

    /// <summary>The settings that point the service's billing at this stub.</summary>
    public Dictionary<string, string?> BillingSettings() => new()
    {
        ["Billing:Stripe:SecretKey"] = SecretKey,
        ["Billing:Stripe:WebhookSecret"] = WebhookSecret,
        ["Billing:Stripe:ApiBase"] = BaseAddress.ToString(),
        ["Billing:SuccessUrl"] = "https://shop.example/credits/paid?session={CHECKOUT_SESSION_ID}",
        ["Billing:CancelUrl"] = "https://shop.example/credits",
        ["Billing:Packs:starter:Credits"] = "100",
        ["Billing:Packs:starter:Amount"] = "1900",
        ["Billing:Packs:starter:Currency"] = "usd",
        ["Billing:Packs:pro:Credits"] = "1000",
        ["Billing:Packs:pro:Amount"] = "14900",
        ["Billing:Packs:pro:Currency"] = "usd",
        ["Billing:Packs:pro:Name"] = "Pro pack",
    };

    /// <summary>An event as Stripe delivers it, with <paramref name="data"/> as its <c>data.object</c>.</summary>
    public static string Event(string id, string type, object data) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id,
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["type"] = type,
        ["data"] = new { @object = data },
    });

    /// <summary>A <c>Stripe-Signature</c> header for <paramref name="payload"/> signed at <paramref name="signedAt"/>.</summary>
    public static string Sign(string payload, DateTimeOffset signedAt, string secret = WebhookSecret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + payload));
        return $"t={timestamp},v1={Convert.ToHexStringLower(signature)}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
