using TryOn.Contracts.Accounts;
using TryOn.Web.Errors;

namespace TryOn.Web.Accounts;

/// <summary>
/// The per-account storage quota at the HTTP edge: before the images a request brought are stored (uploads, product
/// images, the logo), their size is checked against what the account's blobs already take, as the metered blob store
/// counts it. Over the quota the request is refused with <c>402 QUOTA_EXCEEDED</c>, <c>details.quota</c>
/// <c>storage</c>. Results of accepted generations are never refused: they count, so the next upload is, and so is
/// any try-on while they fill the quota.
/// </summary>
internal sealed class StorageQuota(IGrainFactory grains)
{
    /// <summary>Null when <paramref name="bytes"/> more fit (or the account is unknown, which the caller answers for).</summary>
    public async Task<ApiError?> CheckAsync(string accountId, long bytes, CancellationToken cancellationToken)
    {
        var check = await grains.GetGrain<IAccountGrain>(accountId).CheckStorageAsync(bytes, cancellationToken);
        return check is null or { Fits: true } ? null : Refusal(check);
    }

    /// <summary>The <c>402 QUOTA_EXCEEDED</c> answer for a check that did not fit.</summary>
    public static ApiError Refusal(StorageCheck check) => ApiError.Of(StorageRefusal.Code, StorageRefusal.Message(check), StorageRefusal.Details(check));
}
