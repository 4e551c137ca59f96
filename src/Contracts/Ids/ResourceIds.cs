namespace TryOn.Contracts.Ids;

/// <summary>
/// Type-prefixed identifiers. Grain keys are never all digits, which also keeps keys of different
/// grain types from colliding in the ADO.NET storage.
/// </summary>
public static class ResourceIds
{
    public const string AccountPrefix = "acct_";
    public const string ApiKeyPrefix = "key_";
    public const string ImagePrefix = "img_";
    public const string WebhookEndpointPrefix = "whe_";

    /// <summary>The account the embedded development bootstrap creates.</summary>
    public const string DevelopmentAccountId = "acct_dev";

    public static string NewAccountId(TimeProvider timeProvider) => AccountPrefix + Ulid.NewUlid(timeProvider).ToLowerInvariant();

    public static string NewApiKeyId(TimeProvider timeProvider) => ApiKeyPrefix + Ulid.NewUlid(timeProvider).ToLowerInvariant();

    public static string NewImageId(DateTimeOffset now) => ImagePrefix + Ulid.NewUlid(now).ToLowerInvariant();

    public static string NewWebhookEndpointId(TimeProvider timeProvider) => WebhookEndpointPrefix + Ulid.NewUlid(timeProvider).ToLowerInvariant();

    /// <summary>Account ids come from clients on the admin API; only our own shape reaches a grain.</summary>
    public static bool IsAccountId(string? value) =>
        value is { Length: > 5 and <= 64 } && value.StartsWith(AccountPrefix, StringComparison.Ordinal)
        && value.AsSpan(AccountPrefix.Length).ContainsOnlyIdCharacters();

    public static bool IsApiKeyId(string? value) =>
        value is { Length: > 4 and <= 64 } && value.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
        && value.AsSpan(ApiKeyPrefix.Length).ContainsOnlyIdCharacters();

    /// <summary>Image ids come from clients (try-on, <c>GET /images/:imageId</c>); only our own shape reaches a grain.</summary>
    public static bool IsImageId(string? value) =>
        value is { Length: > 4 and <= 64 } && value.StartsWith(ImagePrefix, StringComparison.Ordinal)
        && value.AsSpan(ImagePrefix.Length).ContainsOnlyIdCharacters();

    /// <summary>Webhook endpoint ids come from clients (<c>DELETE /webhook-endpoints/:id</c>); only our own shape reaches a grain.</summary>
    public static bool IsWebhookEndpointId(string? value) =>
        value is { Length: > 4 and <= 64 } && value.StartsWith(WebhookEndpointPrefix, StringComparison.Ordinal)
        && value.AsSpan(WebhookEndpointPrefix.Length).ContainsOnlyIdCharacters();

    private static bool ContainsOnlyIdCharacters(this ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
