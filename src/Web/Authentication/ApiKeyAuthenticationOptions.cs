using Microsoft.AspNetCore.Authentication;

namespace TryOn.Web.Authentication;

internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    public const string SectionName = "Authentication:ApiKeys";

    /// <summary>
    /// How long a key's verdict is reused before its index is asked again. It bounds how late a revocation or a
    /// deactivation is noticed, which the contract puts at one second, so it may not exceed that.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Verdicts kept at most; the cache is emptied when it fills, so memory stays bounded under key guessing.</summary>
    public int CacheCapacity { get; set; } = 100_000;

    /// <summary>
    /// While a key's index grain cannot be reached (its silo died and the cluster has not moved it yet), the key's last
    /// verdict is reused for at most this long after it was given, so merchants keep working through a silo's death;
    /// a key never seen before, or seen longer ago, gets <c>503 SERVICE_UNAVAILABLE</c>. Zero turns it off. It bounds
    /// how late a revocation is noticed while the index is unreachable, hence at most <see cref="MaxStaleWhenUnreachable"/>.
    /// </summary>
    public TimeSpan StaleWhenUnreachable { get; set; } = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxStaleWhenUnreachable = TimeSpan.FromMinutes(5);
}
