using Orleans.Storage;
using TryOn.Storage.Sqlite;

namespace TryOn.Grains.Persistence.Sqlite;

/// <summary>
/// The embedded grain storage: Orleans' ADO.NET provider on the SQLite file, with every write and clear taken in
/// <see cref="SqliteWriter"/>'s turn so that no two writers of this process ever meet in SQLite (see there why).
/// Reads go straight through.
/// </summary>
internal sealed class SerializedGrainStorage(IGrainStorage inner, SqliteWriter writer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        writer.TakeTurnAsync(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        writer.TakeTurnAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));
}
