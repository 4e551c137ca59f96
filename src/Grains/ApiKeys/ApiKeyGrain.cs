using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Grains.Accounts;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.ApiKeys;

/// <summary>The persisted state of <see cref="ApiKeyGrain"/>. Ids are never renumbered.</summary>
[GenerateSerializer, Alias("tryon.apikeys.ApiKeyIndexState")]
internal sealed class ApiKeyIndexState
{
    [Id(0)] public ApiKeyOwner? Owner { get; set; }

    /// <summary>The key's standing as its account last set it; null in entries written before the index held it.</summary>
    [Id(1)] public ApiKeyStanding? Standing { get; set; }
}

internal sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Grains)] IPersistentState<ApiKeyIndexState> state,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider) : Grain, IApiKeyGrain
{
    /// <summary>Not yet valid: what a new entry holds until its account, having recorded the key, says otherwise.</summary>
    private static readonly ApiKeyStanding Registered = new(Valid: false, AccountVersion: 0);

    /// <summary>When this activation last reported a use to the account; in memory, so at most one report a minute.</summary>
    private DateTimeOffset? _useReportedAt;

    public async Task<bool> RegisterAsync(ApiKeyOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (state.State.Owner is { } existing)
        {
            return existing == owner;
        }

        state.State.Owner = owner;
        state.State.Standing = Registered;
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

    public async Task<ApiKeyVerdict?> VerifyAsync(CancellationToken cancellationToken = default)
    {
        if (await ResolveAsync(cancellationToken) is not { } owner)
        {
            return null;
        }

        var valid = state.State.Standing?.Valid;
        if (valid == true)
        {
            await ReportUseAsync(owner);
        }

        return new ApiKeyVerdict(owner, valid);
    }

    public async Task SetStandingAsync(ApiKeyOwner owner, ApiKeyStanding standing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(standing);
        if (state.State.Owner != owner || state.State.Standing?.AccountVersion >= standing.AccountVersion)
        {
            return;
        }

        state.State.Standing = standing;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    /// <summary>
    /// Tells the account its key was used, for <c>lastUsedAt</c>. One-way, so authentication never waits for the
    /// account. Read-only calls interleave, but the grain runs one turn at a time, so the field needs no lock.
    /// </summary>
    private Task ReportUseAsync(ApiKeyOwner owner)
    {
        var now = timeProvider.GetUtcNow();
        if (_useReportedAt is { } reported && now - reported < ApiKeyRing.LastUsedPrecision)
        {
            return Task.CompletedTask;
        }

        _useReportedAt = now;
        return GrainFactory.GetGrain<IAccountGrain>(owner.AccountId).RecordApiKeyUseAsync(owner.KeyId);
    }
}
