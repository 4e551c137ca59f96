namespace TryOn.Contracts.Accounts;

/// <summary>What an account starts with, and the retention choices it may make (docs/privacy.md).</summary>
public static class AccountDefaults
{
    public const int RetentionDays = 7;

    /// <summary>Retention presets the API accepts for shopper images and results.</summary>
    public static readonly IReadOnlySet<int> RetentionPresets = new HashSet<int> { 1, 3, 7 };
}
