using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Webhooks;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Webhooks;

[GenerateSerializer, Alias("tryon.webhooks.WebhookEndpointsState")]
internal sealed class WebhookEndpointsState
{
    [Id(0)] public List<StoredWebhookEndpoint> Endpoints { get; set; } = [];

    /// <summary>The sort key of the last delivery added, across the account's endpoints.</summary>
    [Id(1)] public long LastSequence { get; set; }
}

[GenerateSerializer, Alias("tryon.webhooks.StoredWebhookEndpoint")]
internal sealed class StoredWebhookEndpoint
{
    [Id(0)] public WebhookEndpoint Endpoint { get; set; } = null!;

    /// <summary>The signing secret: kept as given out, since every attempt signs with it.</summary>
    [Id(1)] public string Secret { get; set; } = "";

    /// <summary>Recent deliveries, oldest first, as their grains last reported them.</summary>
    [Id(2)] public List<RecordedDelivery> Deliveries { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("tryon.webhooks.RecordedDelivery")]
internal sealed record RecordedDelivery(
    [property: Id(0)] long Sequence,
    [property: Id(1)] WebhookDelivery Delivery);

/// <summary>
/// The webhook endpoints of one account and the recent deliveries of each. Deliveries themselves are their own grains
/// (<see cref="WebhookDeliveryGrain"/>); this grain starts them and keeps the list they report to.
/// </summary>
internal sealed class WebhookEndpointsGrain(
    [PersistentState("webhook-endpoints", StorageNames.Grains)] IPersistentState<WebhookEndpointsState> state,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock) : Grain, IWebhookEndpointsGrain
{
    /// <summary>Deliveries kept per endpoint for its list; older finished ones are dropped, pending ones never.</summary>
    public const int KeptDeliveries = 1000;

    private const string SecretPrefix = "whsec_";

    private List<StoredWebhookEndpoint> Endpoints => state.State.Endpoints;

    public async Task<CreatedWebhookEndpoint> CreateAsync(string url, ImmutableArray<string> events, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        var endpoint = new WebhookEndpoint(ResourceIds.NewWebhookEndpointId(clock), url, events, clock.GetUtcNow());
        var secret = SecretPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        Endpoints.Add(new StoredWebhookEndpoint { Endpoint = endpoint, Secret = secret });
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return new CreatedWebhookEndpoint(endpoint, secret);
    }

    public Task<ImmutableArray<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Endpoints.Select(stored => stored.Endpoint).ToImmutableArray());

    public async Task<bool> DeleteAsync(string endpointId, CancellationToken cancellationToken = default)
    {
        if (Endpoints.RemoveAll(stored => stored.Endpoint.Id == endpointId) == 0)
        {
            return false;
        }

        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    public Task<WebhookDeliveryPage?> ListDeliveriesAsync(string endpointId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (Find(endpointId) is not { } endpoint)
        {
            return Task.FromResult<WebhookDeliveryPage?>(null);
        }

        var before = after is not null && long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : long.MaxValue;
        var newestFirst = endpoint.Deliveries.AsEnumerable().Reverse().Where(recorded => recorded.Sequence < before).Take(limit + 1).ToList();
        var page = newestFirst.Take(limit).ToList();
        return Task.FromResult<WebhookDeliveryPage?>(new WebhookDeliveryPage(
            [.. page.Select(recorded => recorded.Delivery)],
            newestFirst.Count > limit ? page[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null));
    }

    public async Task RaiseAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var subscribed = Endpoints.Where(stored => stored.Endpoint.Events.Contains(webhookEvent.Type)).ToList();
        var added = false;
        foreach (var endpoint in subscribed.Where(stored => !stored.Deliveries.Any(recorded => recorded.Delivery.EventId == webhookEvent.Id)))
        {
            var pending = new WebhookDelivery(
                webhookEvent.Id, webhookEvent.Type, webhookEvent.Generation.GenerationId, WebhookDeliveryStatus.Pending, 0, null, webhookEvent.CreatedAt, clock.GetUtcNow());
            endpoint.Deliveries.Add(new RecordedDelivery(++state.State.LastSequence, pending));
            Trim(endpoint);
            added = true;
        }

        if (added)
        {
            // Listed before started, so a restart's resumption (ResumePendingAsync) finds every delivery.
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        // Again for those listed before: a start is idempotent, and a previous raise may have died between the two.
        await Task.WhenAll(subscribed.Select(endpoint =>
            Delivery(endpoint.Endpoint.Id, webhookEvent.Id).StartAsync(this.GetPrimaryKeyString(), endpoint.Endpoint.Id, webhookEvent, cancellationToken)));
    }

    public Task<WebhookTarget?> TargetOfAsync(string endpointId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Find(endpointId) is { } endpoint ? new WebhookTarget(endpoint.Endpoint.Url, endpoint.Secret) : null);

    public async Task RecordAsync(string endpointId, WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var endpoint = Find(endpointId);
        var index = endpoint?.Deliveries.FindIndex(recorded => recorded.Delivery.EventId == delivery.EventId) ?? -1;
        if (index < 0 || endpoint!.Deliveries[index].Delivery == delivery)
        {
            return;
        }

        endpoint.Deliveries[index] = endpoint.Deliveries[index] with { Delivery = delivery };
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public async Task<int> ResumePendingAsync(CancellationToken cancellationToken = default)
    {
        var pending = Endpoints
            .SelectMany(endpoint => endpoint.Deliveries
                .Where(recorded => recorded.Delivery.Status == WebhookDeliveryStatus.Pending)
                .Select(recorded => Delivery(endpoint.Endpoint.Id, recorded.Delivery.EventId)))
            .ToList();
        await Task.WhenAll(pending.Select(delivery => delivery.ResumeAsync(cancellationToken)));
        return pending.Count;
    }

    private StoredWebhookEndpoint? Find(string endpointId) => Endpoints.Find(stored => stored.Endpoint.Id == endpointId);

    private IWebhookDeliveryGrain Delivery(string endpointId, string eventId) =>
        GrainFactory.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveries.GrainKey(endpointId, eventId));

    private static void Trim(StoredWebhookEndpoint endpoint)
    {
        var excess = endpoint.Deliveries.Count - KeptDeliveries;
        for (var index = 0; excess > 0 && index < endpoint.Deliveries.Count;)
        {
            if (endpoint.Deliveries[index].Delivery.Status == WebhookDeliveryStatus.Pending)
            {
                index++;
                continue;
            }

            endpoint.Deliveries.RemoveAt(index);
            excess--;
        }
    }
}
