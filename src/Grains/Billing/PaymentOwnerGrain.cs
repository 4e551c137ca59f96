using TryOn.Contracts.Billing;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Billing;

internal sealed class PaymentOwnerGrain(
    [PersistentState("payment", StorageNames.Grains)] IPersistentState<PaymentOwnerState> state) : Grain, IPaymentOwnerGrain
{
    public async Task<bool> RegisterAsync(string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        if (state.State.AccountId is { } owner)
        {
            return owner == accountId;
        }

        state.State.AccountId = accountId;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    public Task<string?> GetOwnerAsync(CancellationToken cancellationToken = default) => Task.FromResult(state.State.AccountId);
}

[GenerateSerializer, Alias("tryon.billing.PaymentOwnerState")]
internal sealed class PaymentOwnerState
{
    [Id(0)] public string? AccountId { get; set; }
}
