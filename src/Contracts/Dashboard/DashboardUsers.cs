using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;

namespace TryOn.Contracts.Dashboard;

/// <summary>What a dashboard user may do in their account (docs/dashboard.md, "Users and roles").</summary>
public static class DashboardRoles
{
    /// <summary>Everything a member may do, and invite and remove users.</summary>
    public const string Owner = "owner";

    /// <summary>Keys, generations, products, the playground, billing and settings of the account.</summary>
    public const string Member = "member";

    public static bool IsRole(string? value) => value is Owner or Member;
}

/// <summary>The rules for dashboard users' e-mail addresses and passwords, in one place for the API, the pages and the grains.</summary>
public static class DashboardCredentials
{
    public const int MaxEmailLength = 254;
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 128;

    /// <summary>Failed sign-ins in a row that lock a user out, and for how long.</summary>
    public const int FailuresBeforeLockout = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>How long an invitation or a reset link can be used.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public static readonly TimeSpan ResetLinkLifetime = TimeSpan.FromHours(24);

    /// <summary>The form an address is compared and stored in: trimmed, lower case.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>One address, no display name, a dot in the domain; at most <see cref="MaxEmailLength"/> characters.</summary>
    public static bool IsEmail([NotNullWhen(true)] string? value)
    {
        if (value is null || value.Trim() is not { Length: > 0 and <= MaxEmailLength } trimmed || trimmed.Any(char.IsWhiteSpace))
        {
            return false;
        }

        return MailAddress.TryCreate(trimmed, out var address)
            && address.Address == trimmed
            && address.Host.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>Null when the password may be used, else why not (shown to the user).</summary>
    public static string? PasswordProblem(string? password) => password switch
    {
        null or { Length: 0 } => "Choose a password.",
        { Length: < MinPasswordLength } => $"Use at least {MinPasswordLength} characters.",
        { Length: > MaxPasswordLength } => $"Use at most {MaxPasswordLength} characters.",
        _ when string.IsNullOrWhiteSpace(password) => "A password cannot be only spaces.",
        _ => null,
    };

    /// <summary>The key of the index grain that maps an address to its account.</summary>
    public static string LoginGrainKey(string email) => "login_" + NormalizeEmail(email);
}

/// <summary>
/// The one-time links of the dashboard: an invitation (choose a password and join an account) or a password reset.
/// A link is <c>/dashboard/links/{linkId}/{secret}</c>; only the secret's SHA-256 is stored.
/// </summary>
public static class DashboardLinks
{
    public const string InvitationPrefix = "inv_";
    public const string ResetPrefix = "rst_";
    public const int SecretLength = 43;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string IdAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string NewLinkId(DashboardLinkKind kind, TimeProvider timeProvider) =>
        (kind == DashboardLinkKind.Invitation ? InvitationPrefix : ResetPrefix) + Ids.Ulid.NewUlid(timeProvider).ToLowerInvariant();

    public static string NewSecret() => RandomNumberGenerator.GetString(Alphabet, SecretLength);

    public static string Url(string linkId, string secret) => $"/dashboard/links/{linkId}/{secret}";

    public static bool IsLinkId(string? value) =>
        value is { Length: > 4 and <= 64 }
        && (value.StartsWith(InvitationPrefix, StringComparison.Ordinal) || value.StartsWith(ResetPrefix, StringComparison.Ordinal))
        && !value.AsSpan(InvitationPrefix.Length).ContainsAnyExcept(IdAlphabet);

    public static bool IsSecret(string? value) => value is { Length: SecretLength } && !value.AsSpan().ContainsAnyExcept(Alphabet);

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));
}

/// <summary>Why a link is there: to join an account, or to choose a new password.</summary>
[GenerateSerializer, Alias("tryon.dashboard.DashboardLinkKind")]
public enum DashboardLinkKind
{
    Invitation = 0,
    PasswordReset = 1,
}

/// <summary>A one-time link as issued: whom it is for, in which account and role, until when.</summary>
[GenerateSerializer, Immutable, Alias("tryon.dashboard.DashboardLink")]
public sealed record DashboardLink(
    [property: Id(0)] string LinkId,
    [property: Id(1)] DashboardLinkKind Kind,
    [property: Id(2)] string AccountId,
    [property: Id(3)] string Email,
    [property: Id(4)] string Role,
    [property: Id(5)] DateTimeOffset ExpiresAt);

/// <summary>The outcome of using a link to set a password.</summary>
[GenerateSerializer, Alias("tryon.dashboard.LinkRedemption")]
public enum LinkRedemption
{
    /// <summary>The password is set; the link is used up.</summary>
    Redeemed = 0,

    /// <summary>Unknown, wrong secret, expired or already used.</summary>
    Invalid = 1,

    /// <summary>The address already belongs to a user of another account.</summary>
    EmailTaken = 2,

    /// <summary>A reset for a user who is no longer in the account.</summary>
    NoSuchUser = 3,
}

/// <summary>The outcome of an owner's removal of a user on the dashboard's team page.</summary>
[GenerateSerializer, Alias("tryon.dashboard.DashboardUserRemoval")]
public enum DashboardUserRemoval
{
    /// <summary>The user is gone and every session of theirs has ended.</summary>
    Removed = 0,

    /// <summary>No such user in this account.</summary>
    NoSuchUser = 1,

    /// <summary>Owners do not remove themselves; another owner or the operator does. So the account keeps an owner.</summary>
    Self = 2,

    /// <summary>The one removing is not (or no longer) an owner of the account.</summary>
    NotOwner = 3,
}

/// <summary>A dashboard user as the account lists it; never the password hash.</summary>
[GenerateSerializer, Immutable, Alias("tryon.dashboard.DashboardUserInfo")]
public sealed record DashboardUserInfo(
    [property: Id(0)] string Email,
    [property: Id(1)] string Role,
    [property: Id(2)] DateTimeOffset JoinedAt,
    [property: Id(3)] DateTimeOffset? LastSignInAt);

/// <summary>The outcome of a sign-in: a session id on success, else why not.</summary>
[GenerateSerializer, Immutable, Alias("tryon.dashboard.DashboardSignIn")]
public sealed record DashboardSignIn(
    [property: Id(0)] SignInOutcome Outcome,
    [property: Id(1)] string? SessionId = null,
    [property: Id(2)] string? Role = null,
    [property: Id(3)] DateTimeOffset? LockedUntil = null);

[GenerateSerializer, Alias("tryon.dashboard.SignInOutcome")]
public enum SignInOutcome
{
    SignedIn = 0,
    WrongCredentials = 1,
    LockedOut = 2,
}

/// <summary>A signed-in session, as the cookie check sees it.</summary>
[GenerateSerializer, Immutable, Alias("tryon.dashboard.DashboardSession")]
public sealed record DashboardSession([property: Id(0)] string Email, [property: Id(1)] string Role);
