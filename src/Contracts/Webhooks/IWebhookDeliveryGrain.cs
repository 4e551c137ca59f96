using Orleans.Concurrency;

namespace TryOn.Contracts.Webhooks;

/// <summary>
/// One event's delivery to one endpoint, keyed by <see cref="WebhookDeliveries.GrainKey"/>: persistent state driven by an
/// Orleans reminder, so it survives restarts and a silo's death, retried with backoff until a 2xx answer or 24 h after
/// its first attempt (docs/api.md, "Webhooks").
/// </summary>
[Alias("tryon.webhooks.IWebhookDeliveryGrain")]
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the delivery and schedules its first attempt; a delivery already started is left as it is. Interleaves,
    /// so an endpoint list that raises an event again never waits for an attempt that is waiting for that list.
    /// </summary>
    [Alias("Start"), AlwaysInterleave]
    Task StartAsync(string accountId, string endpointId, WebhookEvent webhookEvent, CancellationToken cancellationToken = default);

    /// <summary>Schedules a pending delivery's next attempt again (its reminder was lost with an embedded restart).</summary>
    [Alias("Resume"), AlwaysInterleave]
    Task ResumeAsync(CancellationToken cancellationToken = default);
}

public static class WebhookDeliveries
{
    /// <summary>How long a delivery is retried, counted from its first attempt.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromHours(24);

    /// <summary>How long an endpoint has to answer an attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public static string GrainKey(string endpointId, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return endpointId + "/" + eventId;
    }
}
