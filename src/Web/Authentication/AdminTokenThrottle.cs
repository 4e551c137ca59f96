using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TryOn.Contracts;

namespace TryOn.Web.Authentication;

/// <summary>
/// Bounds how fast one client address can guess the admin token. Each wrong token counts against its address for a
/// minute from the first one; once <see cref="AdminOptions.FailedTokensPerMinute"/> have been counted, every admin
/// request from that address is refused until the minute is over, the right token included: otherwise a guesser would
/// still learn at full speed which guess was right. IPv6 addresses count by their /64 network, which one host usually
/// holds whole. The counts live in this process: each API process throttles on its own.
/// </summary>
internal sealed partial class AdminTokenThrottle(
    IOptions<AdminOptions> options,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<AdminTokenThrottle> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Addresses tracked before the ones whose minute is over are dropped; keeps memory bounded.</summary>
    private const int PruneAbove = 4096;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>Wrong tokens one address may send within a minute.</summary>
    public int Limit => options.Value.FailedTokensPerMinute;

    /// <summary>True while the address has used up its wrong tokens; <paramref name="retryAfter"/> says until when.</summary>
    public bool IsRefused(IPAddress? address, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        if (_failures.TryGetValue(KeyOf(address), out var failures))
        {
            lock (failures.Gate)
            {
                if (now < failures.WindowEnds && failures.Count >= Limit)
                {
                    retryAfter = failures.WindowEnds - now;
                    return true;
                }
            }
        }

        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Counts a wrong token against its address and logs it with the address (never the token).</summary>
    public void RecordFailure(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count > PruneAbove)
        {
            foreach (var (key, old) in _failures)
            {
                bool over;
                lock (old.Gate)
                {
                    over = old.WindowEnds <= now;
                }

                if (over)
                {
                    _failures.TryRemove(KeyValuePair.Create(key, old));
                }
            }
        }

        var failures = _failures.GetOrAdd(KeyOf(address), static _ => new Failures());
        int count;
        lock (failures.Gate)
        {
            if (now >= failures.WindowEnds)
            {
                failures.Count = 0;
                failures.WindowEnds = now + Window;
            }

            count = ++failures.Count;
        }

        var remoteAddress = address?.ToString() ?? "(unknown)";
        LogWrongToken(logger, remoteAddress, count, Limit);
        if (count == Limit)
        {
            LogAddressRefused(logger, remoteAddress, Limit, (int)Math.Ceiling(Window.TotalSeconds));
        }
    }

    private static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    [LoggerMessage(1, LogLevel.Warning, "Wrong admin token from {RemoteAddress} ({Count} of {Limit} allowed in a minute)")]
    private static partial void LogWrongToken(ILogger logger, string remoteAddress, int count, int limit);

    [LoggerMessage(2, LogLevel.Warning, "Admin requests from {RemoteAddress} are refused for up to {Seconds} s after {Limit} wrong tokens")]
    private static partial void LogAddressRefused(ILogger logger, string remoteAddress, int limit, int seconds);

    /// <summary>Wrong tokens of one address in its current minute. Guarded by <see cref="Gate"/>.</summary>
    private sealed class Failures
    {
        public Lock Gate { get; } = new();

        public int Count { get; set; }

        public DateTimeOffset WindowEnds { get; set; }
    }
}
