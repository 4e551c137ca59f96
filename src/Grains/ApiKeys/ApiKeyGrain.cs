using TryOn.Grains.Persistence;

namespace TryOn.Grains.ApiKeys;

[GenerateSerializer, Alias("tryon.apikeys.ApiKeyIndexState")]
internal sealed class ApiKeyIndexState
{
    [Id(0)] public ApiKeyOwner? Owner { get; set; }
}

internal sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Grains)] IPersistentState<ApiKeyIndexState> state) : Grain, IApiKeyGrain
{
    public async Task<bool> RegisterAsync(ApiKeyOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (state.State.Owner is { } existing)
        {
            return existing == owner;
        }

        state.State.Owner = owner;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    public Task<ApiKeyOwner?> ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Owner is null)
        {
            // Lookups of unknown hashes (typos, guesses) should not keep activations around.
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.Owner);
    }
}
