namespace TryOn.Web.Customers;

/// <summary>
/// The merchant's id for an end user (<c>externalUserId</c>, alias <c>customerId</c>), read the same way wherever it
/// arrives: an upload's form field, a try-on's body and the erasure path. Erasure finds what the other two stored by
/// exact match, so all three must agree on what the id is: the text as sent, without surrounding white space.
/// </summary>
internal static class ExternalUserIds
{
    /// <summary>The longest id accepted anywhere.</summary>
    public const int MaxLength = 256;

    public static readonly string Requirement = $"Expected 1 to {MaxLength} characters.";

    /// <summary>
    /// The id as stored and looked up, null when none was sent. False for one that is empty once trimmed or longer
    /// than <see cref="MaxLength"/>.
    /// </summary>
    public static bool TryNormalize(string? sent, out string? externalUserId)
    {
        externalUserId = sent?.Trim();
        return externalUserId is null or { Length: > 0 and <= MaxLength };
    }
}
