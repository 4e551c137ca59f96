using TryOn.Contracts.Dashboard;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Dashboard;

[GenerateSerializer, Alias("tryon.dashboard.DashboardLoginState")]
internal sealed class DashboardLoginState
{
    [Id(0)] public string? AccountId { get; set; }
}

internal sealed class DashboardLoginGrain(
    [PersistentState("dashboardlogin", StorageNames.Grains)] IPersistentState<DashboardLoginState> state) : Grain, IDashboardLoginGrain
{
    public Task<string?> GetAccountAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.AccountId is null)
        {
            // Sign-ins with unknown addresses should not keep activations around.
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.AccountId);
    }

    public async Task<bool> ClaimAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (state.State.AccountId is { } owner)
        {
            return owner == accountId;
        }

        state.State.AccountId = accountId;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    public async Task ReleaseAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (state.State.AccountId == accountId)
        {
            await state.ClearStateAsync(CancellationToken.None);
            DeactivateOnIdle();
        }
    }
}
