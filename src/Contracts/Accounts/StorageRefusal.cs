using TryOn.Contracts.Errors;

namespace TryOn.Contracts.Accounts;

/// <summary>
/// The words of a storage-quota refusal (<c>402 QUOTA_EXCEEDED</c>, <c>details.quota</c> <c>storage</c>), for every
/// place that refuses: the HTTP writers before they store what a request brought, and try-on admission while results
/// have filled the quota.
/// </summary>
public static class StorageRefusal
{
    public const string Code = ErrorCodes.QuotaExceeded;

    public static string Message(StorageCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return $"The account's stored images take {check.StoredBytes} of its {check.StorageBytes} bytes; {check.RequestedBytes} more do not fit. "
            + "Delete images or products (or wait for retention), or ask for a larger quota.";
    }

    public static Dictionary<string, object> Details(StorageCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return new Dictionary<string, object>
        {
            ["quota"] = "storage",
            ["storedBytes"] = check.StoredBytes,
            ["storageBytes"] = check.StorageBytes,
            ["requestedBytes"] = check.RequestedBytes,
        };
    }
}
