using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TryOn.Client.Webhooks;

/// <summary>What <see cref="WebhookSignature.Verify"/> found.</summary>
public enum WebhookSignatureVerdict
{
    Valid,

    /// <summary>No header, or one without <c>t</c> and <c>v1</c>.</summary>
    Malformed,

    /// <summary>The HMAC does not match: another secret, or a body changed on the way.</summary>
    Mismatch,

    /// <summary>The signature's time is further from now than the tolerance: a replay.</summary>
    OutsideTolerance,
}

/// <summary>
/// The <c>TryOn-Signature</c> header of webhook requests (docs/api.md, Stripe's scheme):
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, the hex being the HMAC-SHA256 of <c>"&lt;t&gt;.&lt;raw body&gt;"</c> keyed
/// with the endpoint's secret.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "TryOn-Signature";

    /// <summary>How far the signature's time may be from now (five minutes) unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Verifies a header against the raw body as received (before any JSON parsing), in constant time.</summary>
    public static WebhookSignatureVerdict Verify(string? header, ReadOnlySpan<byte> body, string secret, TimeProvider? clock = null, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!TryRead(header, out var t, out var timestamp, out var signatures))
        {
            return WebhookSignatureVerdict.Malformed;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, t, body));
        if (!signatures.Any(signature => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature))))
        {
            return WebhookSignatureVerdict.Mismatch;
        }

        var now = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        return Math.Abs(now - timestamp) <= (tolerance ?? DefaultTolerance).TotalSeconds
            ? WebhookSignatureVerdict.Valid
            : WebhookSignatureVerdict.OutsideTolerance;
    }

    /// <summary>The header the server would send for this body at this time (for a receiver's own tests).</summary>
    public static string Sign(string secret, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Compute(secret, t, body)}";
    }

    private static string Compute(string secret, string t, ReadOnlySpan<byte> body)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        mac.AppendData(Encoding.ASCII.GetBytes(t + "."));
        mac.AppendData(body);
        return Convert.ToHexStringLower(mac.GetHashAndReset());
    }

    private static bool TryRead(string? header, out string t, out long timestamp, out List<string> signatures)
    {
        t = "";
        timestamp = 0;
        signatures = [];
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0] == "t")
            {
                t = pair[1];
            }
            else if (pair[0] == "v1")
            {
                signatures.Add(pair[1]);
            }
        }

        return signatures.Count > 0 && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }
}
