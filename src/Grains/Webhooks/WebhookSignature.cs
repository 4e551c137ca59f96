using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TryOn.Grains.Webhooks;

/// <summary>
/// The <c>TryOn-Signature</c> header of a webhook request (Stripe's scheme): <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>,
/// where the hex is the lowercase HMAC-SHA256 of <c>"&lt;t&gt;.&lt;raw body&gt;"</c> keyed with the endpoint's secret
/// (UTF-8). The timestamp inside the signed text lets a receiver refuse replays of old requests.
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "TryOn-Signature";

    public static string Header(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        mac.AppendData(Encoding.UTF8.GetBytes(t + "."));
        mac.AppendData(body);
        return $"t={t},v1={Convert.ToHexStringLower(mac.GetHashAndReset())}";
    }
}
