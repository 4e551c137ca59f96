using Microsoft.Extensions.Logging;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Ids;

namespace TryOn.Storage.Blobs;

/// <summary>
/// Counts what each account's blobs take. Every write, copy and deletion of a key in an account's namespace
/// (<c>acct_…/…</c>) is reported to that account (<see cref="IAccountGrain.RecordStoredBytesAsync"/>), whose storage
/// quota writers check before they store what a request brought. Wrapping the store, rather than asking each writer
/// to count, keeps every path counted: uploads, product images, results, generation copies, logos, and the deletions
/// of retention, erasure and expiry. Counting never fails what it counts: a count that cannot be reported is logged.
/// </summary>
internal sealed partial class MeteredBlobStore(IBlobStore inner, IGrainFactory grains, ILogger<MeteredBlobStore> logger) : IBlobStore
{
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (OwnerOf(key) is not { } accountId)
        {
            await inner.WriteAsync(key, content, cancellationToken);
            return;
        }

        var replaced = await inner.GetSizeAsync(key, cancellationToken) ?? 0;
        var size = content.CanSeek ? content.Length - content.Position : (long?)null;
        await inner.WriteAsync(key, content, cancellationToken);
        size ??= await inner.GetSizeAsync(key, CancellationToken.None) ?? 0;
        await RecordAsync(accountId, size.Value - replaced);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(key, cancellationToken);

    public async Task<bool> CopyAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        if (OwnerOf(destination) is not { } accountId)
        {
            return await inner.CopyAsync(source, destination, cancellationToken);
        }

        var replaced = await inner.GetSizeAsync(destination, cancellationToken) ?? 0;
        if (!await inner.CopyAsync(source, destination, cancellationToken))
        {
            return false;
        }

        // A hard-linked copy takes no more disk, but it is one more blob of the account for as long as it lives, and
        // in Azure a copy is a copy: counted alike everywhere.
        var size = await inner.GetSizeAsync(destination, CancellationToken.None) ?? 0;
        await RecordAsync(accountId, size - replaced);
        return true;
    }

    public Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default) =>
        inner.GetSizeAsync(key, cancellationToken);

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (OwnerOf(key) is not { } accountId)
        {
            return await inner.DeleteAsync(key, cancellationToken);
        }

        var size = await inner.GetSizeAsync(key, cancellationToken) ?? 0;
        var deleted = await inner.DeleteAsync(key, cancellationToken);
        if (deleted)
        {
            await RecordAsync(accountId, -size);
        }

        return deleted;
    }

    /// <summary>The account whose namespace the key is in, or null for keys outside every account.</summary>
    internal static string? OwnerOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && ResourceIds.IsAccountId(key[..slash]) ? key[..slash] : null;
    }

    private async Task RecordAsync(string accountId, long change)
    {
        if (change == 0)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IAccountGrain>(accountId).RecordStoredBytesAsync(change, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogNotCounted(logger, exception, accountId, change);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The stored bytes of account {AccountId} were not changed by {Change}; its count is off by that much")]
    private static partial void LogNotCounted(ILogger logger, Exception exception, string accountId, long change);
}
