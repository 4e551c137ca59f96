using TryOn.Contracts.Paging;

namespace TryOn.Contracts.Generations;

/// <summary>
/// One row of the generations table (what lists, stats, erasure and recovery query) and when the generation's files
/// are due for removal (null while it runs and once they are removed).
/// </summary>
public sealed record GenerationRecord(
    string AccountId,
    GenerationView Generation,
    string? ExternalUserId,
    long Version,
    DateTimeOffset? FilesExpireAt = null);

/// <summary>Counts of a product's generations in a window (docs/products.md).</summary>
public sealed record ProductGenerationStats(long Total, long Completed, long Failed, long AverageGenerationTimeMs);

/// <summary>Counts of an account's generations created on one UTC day (the dashboard's overview).</summary>
public sealed record GenerationDay(DateOnly Day, long Total, long Completed, long Failed);

/// <summary>
/// The relational side of generations, written by the generation grain after each persisted transition (upserts
/// guarded by version) and read by the list, stats and recovery; never a scan of grains.
/// </summary>
public interface IGenerationReadModel
{
    Task UpsertAsync(GenerationRecord record, CancellationToken cancellationToken = default);

    /// <summary>The version of the generation's row, or null when it has none: a grain publishes again only when the row is behind.</summary>
    Task<long?> VersionOfAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The generation as last published, when it is <paramref name="accountId"/>'s: what a poll answers while the
    /// generation's grain cannot be reached (progress and queue position are not kept here).
    /// </summary>
    Task<GenerationView?> FindAsync(string accountId, string generationId, CancellationToken cancellationToken = default);

    /// <summary>The account's generations, newest first, optionally of one status.</summary>
    Task<Page<GenerationView>> ListAsync(string accountId, GenerationStatus? status, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Counts over generations created in [<paramref name="from"/>, <paramref name="to"/>] (either end open).</summary>
    Task<ProductGenerationStats> StatsAsync(string accountId, string productExternalId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The account's generations created in [<paramref name="from"/>, <paramref name="to"/>), counted per UTC day, in
    /// day order; days without any are left out.
    /// </summary>
    Task<IReadOnlyList<GenerationDay>> DailyAsync(string accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Ids of generations not finished and last changed before <paramref name="changedBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<string>> ListUnfinishedAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of the account's generations made for <paramref name="externalUserId"/>, in id order, after
    /// <paramref name="afterGenerationId"/> when given (keyset paging for erasure).
    /// </summary>
    Task<IReadOnlyList<string>> ListByExternalUserAsync(string accountId, string externalUserId, string? afterGenerationId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of generations whose files are due for removal at <paramref name="now"/>, earliest first, in keyset pages
    /// (expiry, then id), so the sweep walks past entries it could not remove.
    /// </summary>
    Task<Page<string>> ListFilesExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default);
}
