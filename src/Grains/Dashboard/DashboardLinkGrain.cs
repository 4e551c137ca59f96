using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Dashboard;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Dashboard;

[GenerateSerializer, Alias("tryon.dashboard.DashboardLinkState")]
internal sealed class DashboardLinkState
{
    [Id(0)] public DashboardLink? Link { get; set; }
    [Id(1)] public byte[] SecretHash { get; set; } = [];
    /// <summary>When the link was used, or withdrawn by an owner: either way it opens nothing any more.</summary>
    [Id(2)] public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class DashboardLinkGrain(
    [PersistentState("dashboardlink", StorageNames.Grains)] IPersistentState<DashboardLinkState> state,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider) : Grain, IDashboardLinkGrain
{
    public async Task IssueAsync(DashboardLink link, byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (state.State.Link is not null)
        {
            return;
        }

        state.State.Link = link;
        state.State.SecretHash = secretHash;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public Task<DashboardLink?> OpenAsync(byte[] secretHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(Usable(secretHash));

    public async Task<LinkRedemption> RedeemAsync(byte[] secretHash, string password, CancellationToken cancellationToken = default)
    {
        if (Usable(secretHash) is not { } link)
        {
            return LinkRedemption.Invalid;
        }

        var team = GrainFactory.GetGrain<IDashboardTeamGrain>(link.AccountId);
        var outcome = link.Kind == DashboardLinkKind.Invitation
            ? await team.JoinAsync(link.Email, link.Role, password, cancellationToken)
            : await team.ResetPasswordAsync(link.Email, password, cancellationToken);
        if (outcome == LinkRedemption.Redeemed)
        {
            // Used up after the password is set: should this write fail, the link still works once more, and sets the
            // same user's password again; it never lets anyone else in.
            state.State.UsedAt = timeProvider.GetUtcNow();
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        return outcome;
    }

    public async Task<bool> WithdrawAsync(CancellationToken cancellationToken = default)
    {
        var stored = state.State;
        if (stored.Link is null || stored.UsedAt is not null || stored.Link.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return false;
        }

        stored.UsedAt = timeProvider.GetUtcNow();
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    private DashboardLink? Usable(byte[] secretHash)
    {
        var stored = state.State;
        if (stored.Link is null)
        {
            DeactivateOnIdle();
            return null;
        }

        return stored.UsedAt is null
            && stored.Link.ExpiresAt > timeProvider.GetUtcNow()
            && CryptographicOperations.FixedTimeEquals(stored.SecretHash, secretHash)
                ? stored.Link
                : null;
    }
}
