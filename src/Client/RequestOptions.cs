namespace TryOn.Client;

/// <summary>Per-call options of the calls that create things.</summary>
public sealed record RequestOptions
{
    /// <summary>
    /// The <c>Idempotency-Key</c> (1–255 visible ASCII characters): the same key with the same request within 24 h
    /// is done once. When null the client draws one per call, so its own retries never start a second generation;
    /// give your own (an order or cart id) to make a retry of your own, after a crash, safe as well.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
