using TryOn.Contracts;
using TryOn.Contracts.Dashboard;

namespace TryOn.Web.Dashboard;

/// <summary>A one-time link as its issuer sees it: the only moment its full URL exists.</summary>
internal sealed record IssuedLink(string LinkId, string Email, string Role, string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues the dashboard's one-time links: invitations (from the operator or an owner) and password resets (from the
/// operator). The secret is in the returned URL only; the link grain keeps its SHA-256.
/// </summary>
internal sealed class DashboardInvitations(IGrainFactory grains, [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider)
{
    /// <summary>An invitation to join <paramref name="accountId"/>; null when the address signs in to another account.</summary>
    public async Task<IssuedLink?> InviteAsync(string accountId, string email, string role, CancellationToken cancellationToken)
    {
        var normalized = DashboardCredentials.NormalizeEmail(email);
        var owner = await grains.GetGrain<IDashboardLoginGrain>(DashboardCredentials.LoginGrainKey(normalized)).GetAccountAsync(cancellationToken);
        if (owner is not null && owner != accountId)
        {
            return null;
        }

        var (link, issued) = await IssueAsync(DashboardLinkKind.Invitation, accountId, normalized, role, DashboardCredentials.InvitationLifetime, cancellationToken);
        // Listed on the team page until used, withdrawn or expired. Recorded after the link exists: should this fail,
        // the link still works and is only missing from the list.
        await grains.GetGrain<IDashboardTeamGrain>(accountId).RecordInvitationAsync(link, cancellationToken);
        return issued;
    }

    /// <summary>
    /// Withdraws a pending invitation of <paramref name="accountId"/>: its link opens nothing any more and the team page
    /// stops listing it. False when no such invitation is pending for this account.
    /// </summary>
    public async Task<bool> WithdrawAsync(string accountId, string invitationId, CancellationToken cancellationToken)
    {
        var team = grains.GetGrain<IDashboardTeamGrain>(accountId);
        if (!(await team.ListInvitationsAsync(cancellationToken)).Any(invitation => invitation.LinkId == invitationId))
        {
            return false;
        }

        // The link first: once it is unusable, forgetting it is only the list's tidying. (Called one after the other
        // from here, never grain to grain, so a redemption running at the same time cannot deadlock the two grains.)
        await grains.GetGrain<IDashboardLinkGrain>(invitationId).WithdrawAsync(cancellationToken);
        return await team.ForgetInvitationAsync(invitationId, cancellationToken);
    }

    /// <summary>A reset link for a user of <paramref name="accountId"/>; null when there is no such user.</summary>
    public async Task<IssuedLink?> ResetAsync(string accountId, string email, CancellationToken cancellationToken)
    {
        var normalized = DashboardCredentials.NormalizeEmail(email);
        var user = (await grains.GetGrain<IDashboardTeamGrain>(accountId).ListUsersAsync(cancellationToken)).FirstOrDefault(user => user.Email == normalized);
        return user is null
            ? null
            : (await IssueAsync(DashboardLinkKind.PasswordReset, accountId, normalized, user.Role, DashboardCredentials.ResetLinkLifetime, cancellationToken)).Issued;
    }

    private async Task<(DashboardLink Link, IssuedLink Issued)> IssueAsync(
        DashboardLinkKind kind, string accountId, string email, string role, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var link = new DashboardLink(DashboardLinks.NewLinkId(kind, timeProvider), kind, accountId, email, role, timeProvider.GetUtcNow() + lifetime);
        var secret = DashboardLinks.NewSecret();
        await grains.GetGrain<IDashboardLinkGrain>(link.LinkId).IssueAsync(link, DashboardLinks.Hash(secret), cancellationToken);
        return (link, new IssuedLink(link.LinkId, link.Email, link.Role, DashboardLinks.Url(link.LinkId, secret), link.ExpiresAt));
    }
}
