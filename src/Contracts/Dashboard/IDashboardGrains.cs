namespace TryOn.Contracts.Dashboard;

/// <summary>
/// The dashboard users of one merchant account, keyed by its account id: the single writer of who may sign in to the
/// account, their roles, password hashes, failed attempts and sessions. Every change is persisted before it is reported.
/// </summary>
[Alias("tryon.dashboard.IDashboardTeamGrain")]
public interface IDashboardTeamGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds the user with the password chosen on their invitation (hashed here), or, for a user already in the account,
    /// sets it. <see cref="LinkRedemption.EmailTaken"/> when the address belongs to another account.
    /// </summary>
    [Alias("Join")]
    Task<LinkRedemption> JoinAsync(string email, string role, string password, CancellationToken cancellationToken = default);

    /// <summary>Sets a user's new password from a reset link, ends their sessions and clears a lockout.</summary>
    [Alias("ResetPassword")]
    Task<LinkRedemption> ResetPasswordAsync(string email, string password, CancellationToken cancellationToken = default);

    /// <summary>Checks a password, counting failures toward the lockout; on success a new session.</summary>
    [Alias("SignIn")]
    Task<DashboardSignIn> SignInAsync(string email, string password, CancellationToken cancellationToken = default);

    /// <summary>The session, when it is still open (not signed out, not ended by a removal or a reset).</summary>
    [Alias("GetSession")]
    Task<DashboardSession?> GetSessionAsync(string email, string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Ends one session; idempotent.</summary>
    [Alias("SignOut")]
    Task SignOutAsync(string email, string sessionId, CancellationToken cancellationToken = default);

    /// <summary>The account's users, oldest first.</summary>
    [Alias("ListUsers")]
    Task<IReadOnlyList<DashboardUserInfo>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a user and ends every session of theirs at once; false when there was none.</summary>
    [Alias("RemoveUser")]
    Task<bool> RemoveUserAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Records an invitation issued for this account, so the team page lists it until it is used, withdrawn or expired.</summary>
    [Alias("RecordInvitation")]
    Task RecordInvitationAsync(DashboardLink invitation, CancellationToken cancellationToken = default);

    /// <summary>The account's invitations not yet used, withdrawn or expired, newest first.</summary>
    [Alias("ListInvitations")]
    Task<IReadOnlyList<DashboardLink>> ListInvitationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops listing an invitation; false when it was not pending here.</summary>
    [Alias("ForgetInvitation")]
    Task<bool> ForgetInvitationAsync(string invitationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// An owner's removal of another user (the team page), as <see cref="RemoveUserAsync"/> once the rules hold: the
    /// remover is still an owner of the account and is not the one removed, so the account always keeps an owner.
    /// </summary>
    [Alias("RemoveUserByOwner")]
    Task<DashboardUserRemoval> RemoveUserByOwnerAsync(string ownerEmail, string email, CancellationToken cancellationToken = default);
}

/// <summary>
/// The index of dashboard sign-ins, keyed by <see cref="DashboardCredentials.LoginGrainKey"/>: which account an address
/// belongs to. An address belongs to at most one account.
/// </summary>
[Alias("tryon.dashboard.IDashboardLoginGrain")]
public interface IDashboardLoginGrain : IGrainWithStringKey
{
    /// <summary>The address's account, or null.</summary>
    [Alias("GetAccount")]
    Task<string?> GetAccountAsync(CancellationToken cancellationToken = default);

    /// <summary>Claims the address for the account; true when it is (now or already) this account's.</summary>
    [Alias("Claim")]
    Task<bool> ClaimAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Gives the address up, when it is the account's.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string accountId, CancellationToken cancellationToken = default);
}

/// <summary>One one-time link (an invitation or a password reset), keyed by its link id.</summary>
[Alias("tryon.dashboard.IDashboardLinkGrain")]
public interface IDashboardLinkGrain : IGrainWithStringKey
{
    /// <summary>Stores a new link with the SHA-256 of its secret. A link id is written once: a second call changes nothing.</summary>
    [Alias("Issue")]
    Task IssueAsync(DashboardLink link, byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>The link, when the secret matches and it is neither used nor expired; else null.</summary>
    [Alias("Open")]
    Task<DashboardLink?> OpenAsync(byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>Sets the password the link is for and uses the link up; exactly once.</summary>
    [Alias("Redeem")]
    Task<LinkRedemption> RedeemAsync(byte[] secretHash, string password, CancellationToken cancellationToken = default);

    /// <summary>Makes an unused link unusable (an owner withdrew the invitation); false when it was used, expired or unknown.</summary>
    [Alias("Withdraw")]
    Task<bool> WithdrawAsync(CancellationToken cancellationToken = default);
}
