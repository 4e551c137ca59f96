using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Webhooks;
using TryOn.Pipeline.Fetching;

namespace TryOn.Grains.Webhooks;

/// <summary>Settings of webhook deliveries (configuration section <c>Webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// The longest a pending delivery goes without looking at its schedule (a grain timer; the reminder behind it ticks
    /// once a minute). Its due time is usually sooner; tests shorten this to follow a fake clock.
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal static class WebhookServiceCollectionExtensions
{
    public const string UserAgent = "TryOn-Webhooks/1";

    /// <summary>
    /// The sender and its named client: no redirects (a 3xx is a failed attempt), a 5 s limit per attempt, no cookies or
    /// proxy, and the image fetcher's address rule at connect time (<c>Fetch:AllowPrivateNetworks</c>), so an endpoint
    /// whose name later resolves to a private address (DNS rebinding) is refused when it is called.
    /// </summary>
    public static IServiceCollection AddTryOnWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .Validate(options => options.CheckInterval > TimeSpan.Zero && options.CheckInterval <= TimeSpan.FromMinutes(1), "Webhooks:CheckInterval must be positive and at most 1 minute.")
            .ValidateOnStart();
        services.AddSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                client.Timeout = WebhookDeliveries.AttemptTimeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = WebhookDeliveries.AttemptTimeout,
                ConnectCallback = GuardedConnection.Callback(GuardedConnection.RuleOf(provider.GetRequiredService<IOptions<SafeImageFetcherOptions>>().Value)),
            });
        return services;
    }
}
