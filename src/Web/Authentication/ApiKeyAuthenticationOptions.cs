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

    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromSeconds(1);
}
