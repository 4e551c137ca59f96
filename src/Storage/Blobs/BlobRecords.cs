namespace TryOn.Storage.Blobs;

/// <summary>
/// The one way a blob and the record that points to it are made: bytes first, then the record; when recording throws
/// or answers that nothing was recorded, the bytes are deleted again, so no blob is left that nothing points to (and
/// no record points to bytes that were never written). Once written, neither step is cancelled half-way.
/// </summary>
public static class BlobRecords
{
    /// <summary>Writes <paramref name="bytes"/> under <paramref name="key"/>, then records it (<see cref="RecordOrDeleteAsync{T}"/>).</summary>
    public static async Task<T> WriteThenRecordAsync<T>(
        this IBlobStore blobs, string key, byte[] bytes, Func<Task<T>> record, Func<T, bool> recorded)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await blobs.WriteAsync(key, new MemoryStream(bytes, writable: false), CancellationToken.None);
        return await blobs.RecordOrDeleteAsync([key], record, recorded);
    }

    /// <summary>
    /// Runs <paramref name="record"/>, which makes something point to the already written <paramref name="keys"/>; when
    /// it throws, or its answer is not <paramref name="recorded"/>, the blobs are deleted.
    /// </summary>
    public static async Task<T> RecordOrDeleteAsync<T>(
        this IBlobStore blobs, IReadOnlyCollection<string> keys, Func<Task<T>> record, Func<T, bool> recorded)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recorded);
        T result;
        try
        {
            result = await record();
        }
        catch
        {
            await blobs.DeleteAllAsync(keys);
            throw;
        }

        if (!recorded(result))
        {
            await blobs.DeleteAllAsync(keys);
        }

        return result;
    }

    /// <summary><see cref="RecordOrDeleteAsync{T}"/> for a record that either succeeds or throws.</summary>
    public static Task RecordOrDeleteAsync(this IBlobStore blobs, IReadOnlyCollection<string> keys, Func<Task> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return blobs.RecordOrDeleteAsync(keys, async () =>
        {
            await record();
            return true;
        }, static done => done);
    }

    /// <summary>Deletes blobs that nothing points to; a deletion, once begun, is not cancelled.</summary>
    public static async Task DeleteAllAsync(this IBlobStore blobs, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
    }
}
