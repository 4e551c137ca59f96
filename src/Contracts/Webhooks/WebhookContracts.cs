using System.Collections.Immutable;
using TryOn.Contracts.Generations;

namespace TryOn.Contracts.Webhooks;

/// <summary>The events a webhook endpoint may subscribe to (docs/api.md, "Webhooks").</summary>
public static class WebhookEvents
{
    public const string GenerationCompleted = "generation.completed";
    public const string GenerationFailed = "generation.failed";

    public static readonly ImmutableArray<string> All = [GenerationCompleted, GenerationFailed];

    /// <summary>
    /// The event a finished generation raises. Its id follows from the generation's, so raising it again (a silo that
    /// died before it recorded the raise) names the same event, and each endpoint gets it once more at most.
    /// </summary>
    public static WebhookEvent Finished(GenerationView generation, DateTimeOffset raisedAt)
    {
        ArgumentNullException.ThrowIfNull(generation);
        var type = generation.Status switch
        {
            GenerationStatus.Completed => GenerationCompleted,
            GenerationStatus.Failed => GenerationFailed,
            _ => throw new ArgumentException($"Generation {generation.GenerationId} has not finished.", nameof(generation)),
        };
        return new WebhookEvent("evt_" + generation.GenerationId.Replace("gen_", "", StringComparison.Ordinal), type, raisedAt, generation);
    }
}

/// <summary>An endpoint as its owner lists it: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.WebhookEndpoint")]
public sealed record WebhookEndpoint(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] ImmutableArray<string> Events,
    [property: Id(3)] DateTimeOffset CreatedAt);

/// <summary>A new endpoint and its signing secret, which is shown only once.</summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.CreatedWebhookEndpoint")]
public sealed record CreatedWebhookEndpoint(
    [property: Id(0)] WebhookEndpoint Endpoint,
    [property: Id(1)] string Secret);

/// <summary>Where a delivery posts and what it signs with, read from the endpoint at every attempt.</summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.WebhookTarget")]
public sealed record WebhookTarget(
    [property: Id(0)] string Url,
    [property: Id(1)] string Secret);

/// <summary>
/// One event, frozen when it is raised: its id (the same in every retry), its type, when it was raised and the
/// generation as it was then. Each attempt renders it with a fresh signed result link.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.WebhookEvent")]
public sealed record WebhookEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] GenerationView Generation);

[GenerateSerializer, Alias("tryon.webhooks.WebhookDeliveryStatus")]
public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One event's delivery to one endpoint, as <c>GET /webhook-endpoints/:id/deliveries</c> lists it.</summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.WebhookDelivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] string EventId,
    [property: Id(1)] string EventType,
    [property: Id(2)] string GenerationId,
    [property: Id(3)] WebhookDeliveryStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? LastError,
    [property: Id(6)] DateTimeOffset? NextAttemptAt,
    [property: Id(7)] DateTimeOffset CreatedAt);

/// <summary>A page of deliveries, newest first; <see cref="NextAfter"/> continues it, null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("tryon.webhooks.WebhookDeliveryPage")]
public sealed record WebhookDeliveryPage(
    [property: Id(0)] ImmutableArray<WebhookDelivery> Items,
    [property: Id(1)] string? NextAfter);
