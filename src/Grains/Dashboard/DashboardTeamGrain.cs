using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Dashboard;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Dashboard;

/// <summary>The persisted state of <see cref="DashboardTeamGrain"/>. Ids are never renumbered.</summary>
[GenerateSerializer, Alias("tryon.dashboard.DashboardTeamState")]
internal sealed class DashboardTeamState
{
    [Id(0)] public List<DashboardUserRecord> Users { get; set; } = [];

    /// <summary>Invitations issued and not yet used or withdrawn, oldest first (expired ones are dropped as they are seen).</summary>
    [Id(1)] public List<DashboardLink> Invitations { get; set; } = [];
}

/// <summary>One user: the address (normalised), the role, ASP.NET Core Identity's password hash, lockout and sessions.</summary>
[GenerateSerializer, Alias("tryon.dashboard.DashboardUserRecord")]
internal sealed class DashboardUserRecord
{
    [Id(0)] public string Email { get; set; } = "";
    [Id(1)] public string Role { get; set; } = DashboardRoles.Member;
    [Id(2)] public string PasswordHash { get; set; } = "";
    [Id(3)] public DateTimeOffset JoinedAt { get; set; }
    [Id(4)] public DateTimeOffset? LastSignInAt { get; set; }
    [Id(5)] public int FailedSignIns { get; set; }
    [Id(6)] public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Open sessions, oldest first; at most <see cref="DashboardTeamGrain.MaxSessionsPerUser"/>.</summary>
    [Id(7)] public List<string> Sessions { get; set; } = [];
}

internal sealed class DashboardTeamGrain(
    [PersistentState("dashboardteam", StorageNames.Grains)] IPersistentState<DashboardTeamState> state,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider) : Grain, IDashboardTeamGrain
{
    /// <summary>Signing in on an eleventh browser ends the oldest session.</summary>
    internal const int MaxSessionsPerUser = 10;

    private static readonly PasswordHasher<DashboardUserRecord> Hasher = new();

    private string AccountId => this.GetPrimaryKeyString();

    public async Task<LinkRedemption> JoinAsync(string email, string role, string password, CancellationToken cancellationToken = default)
    {
        var normalized = DashboardCredentials.NormalizeEmail(email);
        if (!await GrainFactory.GetGrain<IDashboardLoginGrain>(DashboardCredentials.LoginGrainKey(normalized)).ClaimAsync(AccountId, cancellationToken))
        {
            return LinkRedemption.EmailTaken;
        }

        var user = Find(normalized);
        if (user is null)
        {
            user = new DashboardUserRecord { Email = normalized, JoinedAt = timeProvider.GetUtcNow() };
            state.State.Users.Add(user);
        }

        user.Role = role;
        SetPassword(user, password);
        // Joined: no invitation of this address is pending any more.
        state.State.Invitations.RemoveAll(invitation => invitation.Email == normalized);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return LinkRedemption.Redeemed;
    }

    public async Task<LinkRedemption> ResetPasswordAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        if (Find(DashboardCredentials.NormalizeEmail(email)) is not { } user)
        {
            return LinkRedemption.NoSuchUser;
        }

        SetPassword(user, password);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return LinkRedemption.Redeemed;
    }

    public async Task<DashboardSignIn> SignInAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        if (Find(DashboardCredentials.NormalizeEmail(email)) is not { } user)
        {
            return new DashboardSignIn(SignInOutcome.WrongCredentials);
        }

        if (user.LockedUntil > now)
        {
            return new DashboardSignIn(SignInOutcome.LockedOut, LockedUntil: user.LockedUntil);
        }

        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= DashboardCredentials.FailuresBeforeLockout)
            {
                user.FailedSignIns = 0;
                user.LockedUntil = now + DashboardCredentials.LockoutDuration;
            }

            await state.WriteOrReloadAsync(DeactivateOnIdle);
            return user.LockedUntil > now
                ? new DashboardSignIn(SignInOutcome.LockedOut, LockedUntil: user.LockedUntil)
                : new DashboardSignIn(SignInOutcome.WrongCredentials);
        }

        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        user.Sessions.Add(sessionId);
        if (user.Sessions.Count > MaxSessionsPerUser)
        {
            user.Sessions.RemoveAt(0);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return new DashboardSignIn(SignInOutcome.SignedIn, sessionId, user.Role);
    }

    public Task<DashboardSession?> GetSessionAsync(string email, string sessionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Find(DashboardCredentials.NormalizeEmail(email)) is { } user && user.Sessions.Contains(sessionId)
            ? new DashboardSession(user.Email, user.Role)
            : null);

    public async Task SignOutAsync(string email, string sessionId, CancellationToken cancellationToken = default)
    {
        if (Find(DashboardCredentials.NormalizeEmail(email)) is { } user && user.Sessions.Remove(sessionId))
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
    }

    public Task<IReadOnlyList<DashboardUserInfo>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DashboardUserInfo>>(
            [.. state.State.Users.Select(user => new DashboardUserInfo(user.Email, user.Role, user.JoinedAt, user.LastSignInAt))]);

    public async Task RecordInvitationAsync(DashboardLink invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (invitation.Kind != DashboardLinkKind.Invitation || invitation.AccountId != AccountId
            || state.State.Invitations.Exists(pending => pending.LinkId == invitation.LinkId))
        {
            return;
        }

        DropExpiredInvitations();
        state.State.Invitations.Add(invitation);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public Task<IReadOnlyList<DashboardLink>> ListInvitationsAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return Task.FromResult<IReadOnlyList<DashboardLink>>(
            [.. state.State.Invitations.Where(invitation => invitation.ExpiresAt > now).Reverse()]);
    }

    public async Task<bool> ForgetInvitationAsync(string invitationId, CancellationToken cancellationToken = default)
    {
        if (state.State.Invitations.RemoveAll(invitation => invitation.LinkId == invitationId) == 0)
        {
            return false;
        }

        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return true;
    }

    public async Task<bool> RemoveUserAsync(string email, CancellationToken cancellationToken = default)
    {
        if (Find(DashboardCredentials.NormalizeEmail(email)) is not { } user)
        {
            return false;
        }

        await RemoveAsync(user, cancellationToken);
        return true;
    }

    public async Task<DashboardUserRemoval> RemoveUserByOwnerAsync(string ownerEmail, string email, CancellationToken cancellationToken = default)
    {
        // Checked here, where the users are written one call at a time: two owners removing each other at once cannot
        // both succeed, since the second is no longer a user when its turn comes.
        var owner = Find(DashboardCredentials.NormalizeEmail(ownerEmail));
        if (owner?.Role != DashboardRoles.Owner)
        {
            return DashboardUserRemoval.NotOwner;
        }

        if (Find(DashboardCredentials.NormalizeEmail(email)) is not { } user)
        {
            return DashboardUserRemoval.NoSuchUser;
        }

        if (user == owner)
        {
            return DashboardUserRemoval.Self;
        }

        await RemoveAsync(user, cancellationToken);
        return DashboardUserRemoval.Removed;
    }

    private async Task RemoveAsync(DashboardUserRecord user, CancellationToken cancellationToken)
    {
        // Sessions end with the write: every page checks its session here.
        state.State.Users.Remove(user);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<IDashboardLoginGrain>(DashboardCredentials.LoginGrainKey(user.Email)).ReleaseAsync(AccountId, cancellationToken);
    }

    /// <summary>A new password ends every session and any lockout: whoever had the old one is out.</summary>
    private static void SetPassword(DashboardUserRecord user, string password)
    {
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.Sessions.Clear();
        user.FailedSignIns = 0;
        user.LockedUntil = null;
    }

    /// <summary>Expired invitations are dropped when a new one is recorded, so the list stays as short as what is pending.</summary>
    private void DropExpiredInvitations()
    {
        var now = timeProvider.GetUtcNow();
        state.State.Invitations.RemoveAll(invitation => invitation.ExpiresAt <= now);
    }

    private DashboardUserRecord? Find(string normalizedEmail) =>
        state.State.Users.Find(user => user.Email == normalizedEmail);
}
