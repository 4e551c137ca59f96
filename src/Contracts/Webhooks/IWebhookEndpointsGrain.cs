using System.Collections.Immutable;

namespace TryOn.Contracts.Webhooks;

/// <summary>
/// The webhook endpoints of one account, keyed by its account id: their URLs, events and secrets, and the recent
/// deliveries of each (the single writer of both). Events reach only the endpoints of the generation's own account,
/// because they are raised on this grain of that account.
/// </summary>
[Alias("tryon.webhooks.IWebhookEndpointsGrain")]
public interface IWebhookEndpointsGrain : IGrainWithStringKey
{
    /// <summary>Adds an endpoint with a new secret; the URL and events were validated by the caller.</summary>
    [Alias("Create")]
    Task<CreatedWebhookEndpoint> CreateAsync(string url, ImmutableArray<string> events, CancellationToken cancellationToken = default);

    [Alias("List")]
    Task<ImmutableArray<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the endpoint and its deliveries (pending ones stop at their next attempt); false when unknown.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string endpointId, CancellationToken cancellationToken = default);

    /// <summary>The endpoint's deliveries, newest first, after the sort key <paramref name="after"/>; null when the endpoint is unknown.</summary>
    [Alias("ListDeliveries")]
    Task<WebhookDeliveryPage?> ListDeliveriesAsync(string endpointId, string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a delivery of <paramref name="webhookEvent"/> to every endpoint subscribed to its type. Raising the same
    /// event again starts nothing new. Returns once every delivery is stored; none is attempted in this call.
    /// </summary>
    [Alias("Raise")]
    Task RaiseAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken = default);

    /// <summary>Where the endpoint's deliveries go and their secret; null once the endpoint was deleted.</summary>
    [Alias("TargetOf")]
    Task<WebhookTarget?> TargetOfAsync(string endpointId, CancellationToken cancellationToken = default);

    /// <summary>A delivery reports its state after an attempt, for the endpoint's delivery list.</summary>
    [Alias("Record")]
    Task RecordAsync(string endpointId, WebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Wakes every pending delivery (embedded mode at start-up, whose reminders live in memory); returns how many.</summary>
    [Alias("ResumePending")]
    Task<int> ResumePendingAsync(CancellationToken cancellationToken = default);
}
