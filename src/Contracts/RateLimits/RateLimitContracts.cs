namespace TryOn.Contracts.RateLimits;

/// <summary>
/// Tokens handed out by an account's bucket: <see cref="Granted"/> requests may run. <see cref="Remaining"/> is what
/// the bucket still holds; when nothing was granted, <see cref="RetryAfter"/> says when the next token exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.ratelimits.TokenGrant")]
public sealed record TokenGrant(
    [property: Id(0)] int Granted,
    [property: Id(1)] int PerMinute,
    [property: Id(2)] int Remaining,
    [property: Id(3)] TimeSpan RetryAfter);
