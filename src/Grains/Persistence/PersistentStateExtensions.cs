namespace TryOn.Grains.Persistence;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state. Grains change their state in memory first, so a failed write must not leave the change
    /// there: the next successful write would save a change its caller was told had failed. The stored state is
    /// read back instead (a write that timed out may still have committed: what is stored is the truth), and when
    /// even that fails, <paramref name="abandonActivation"/> runs so the next call starts from storage. The write is
    /// never cancelled half-way, so no caller's token is passed down. The original failure is rethrown.
    /// </summary>
    public static async Task WriteOrReloadAsync<TState>(this IPersistentState<TState> state, Action abandonActivation)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(abandonActivation);
        try
        {
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch
        {
            try
            {
                await state.ReadStateAsync(CancellationToken.None);
            }
            catch
            {
                abandonActivation();
            }

            throw;
        }
    }
}
