using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TryOn.Tests.Webhooks;

/// <summary>
/// How a receiver checks <c>TryOn-Signature</c>, written from docs/api.md alone: parse <c>t</c> and <c>v1</c>, recompute the
/// HMAC-SHA256 of <c>"&lt;t&gt;.&lt;raw body&gt;"</c> with the secret, compare in constant time. The one place the tests
/// verify signatures, to be replaced by the client library's <c>TryOn.Client.Webhooks.WebhookSignature</c>.
/// </summary>
public static class WebhookSignatureCheck
{
    public static bool Verifies(string header, byte[] body, string secret, out long timestamp)
    {
        timestamp = 0;
        string? t = null;
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0] == "t")
            {
                t = pair[1];
            }
            else if (pair.Length == 2 && pair[0] == "v1")
            {
                v1 = pair[1];
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }
}
