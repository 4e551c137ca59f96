namespace TryOn.Client.Webhooks;

/// <summary>The event types a webhook endpoint can subscribe to.</summary>
public static class WebhookEventTypes
{
    public const string GenerationCompleted = "generation.completed";

    public const string GenerationFailed = "generation.failed";
}

/// <summary>A registered webhook endpoint (the secret is never listed).</summary>
public sealed record WebhookEndpoint(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt);

/// <summary>The answer of registering an endpoint: <see cref="Secret"/> is shown only here; keep it to verify signatures.</summary>
public sealed record CreatedWebhookEndpoint(string Id, string Url, IReadOnlyList<string> Events, string Secret, DateTimeOffset CreatedAt);

/// <summary>One event's delivery to an endpoint: <see cref="Status"/> is <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
public sealed record WebhookDelivery(
    string EventId,
    string Event,
    string GenerationId,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt);
