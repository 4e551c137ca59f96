namespace TryOn.Pipeline.Fetching;

/// <summary>Settings of <see cref="SafeImageFetcher"/> (configuration section <c>Fetch</c>).</summary>
public sealed class SafeImageFetcherOptions
{
    public const string SectionName = "Fetch";

    /// <summary>
    /// Lets URLs reach loopback and private addresses. For local testing only: in production it would let any
    /// merchant make the server call its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Largest body read, in bytes; the download stops as soon as it is passed.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>For the whole fetch: every redirect, the headers and the body.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public int MaxRedirects { get; set; } = 3;

    /// <summary>Ports URLs may use (not enforced while <see cref="AllowPrivateNetworks"/> is on, for local testing).</summary>
    public ISet<int> AllowedPorts { get; set; } = new HashSet<int> { 80, 443 };

    /// <summary>Whether a merchant-supplied URL may use <paramref name="port"/> (image URLs, webhook endpoints).</summary>
    public bool AllowsPort(int port) => AllowPrivateNetworks || AllowedPorts.Contains(port);

    public IEnumerable<string> Validate()
    {
        if (MaxBytes < 1)
        {
            yield return $"{SectionName}:{nameof(MaxBytes)} must be positive.";
        }

        if (ConnectTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero || ConnectTimeout > TotalTimeout)
        {
            yield return $"{SectionName}:{nameof(ConnectTimeout)} and {nameof(TotalTimeout)} must be positive, the connect timeout no longer than the total.";
        }

        if (MaxRedirects is < 0 or > 10)
        {
            yield return $"{SectionName}:{nameof(MaxRedirects)} must be between 0 and 10.";
        }

        if (AllowedPorts.Count == 0 || AllowedPorts.Any(port => port is < 1 or > 65535))
        {
            yield return $"{SectionName}:{nameof(AllowedPorts)} must list TCP ports (1-65535).";
        }
    }
}
