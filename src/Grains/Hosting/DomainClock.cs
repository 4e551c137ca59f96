namespace TryOn.Grains.Hosting;

/// <summary>
/// The clock of the domain (expiry of images and products, retention, timestamps), registered as a keyed
/// <see cref="TimeProvider"/> so tests can move it without touching the clock Orleans runs on.
/// </summary>
public static class DomainClock
{
    public const string ServiceKey = "tryon.domain-clock";
}
