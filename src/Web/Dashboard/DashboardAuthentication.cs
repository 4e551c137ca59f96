using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TryOn.Contracts.Dashboard;
using TryOn.Web.Authentication;

namespace TryOn.Web.Dashboard;

/// <summary>The dashboard's sign-in: a cookie naming the user, the account and the session, checked on every page.</summary>
internal static class DashboardAuthentication
{
    public const string Scheme = "Dashboard";
    public const string Policy = "dashboard";
    public const string OwnerPolicy = "dashboard-owner";
    public const string CookieName = "__tryon_dashboard";

    public const string Email = "dashboard_email";
    public const string Role = "dashboard_role";
    public const string SessionId = "dashboard_session";

    /// <summary>How long a session lasts without use; each page seen after half of it renews the cookie.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    private static ClaimsPrincipal Principal(string accountId, string email, string role, string sessionId) =>
        new(new ClaimsIdentity(
            [
                new Claim(TryOnClaims.AccountId, accountId),
                new Claim(Email, email),
                new Claim(Role, role),
                new Claim(SessionId, sessionId),
            ],
            Scheme,
            Email,
            Role));

    /// <summary>
    /// Gives the browser the cookie of the session the team grain has just opened: after a sign-in, and after a
    /// password chosen on an invitation or reset link.
    /// </summary>
    public static Task SignInToDashboardAsync(this HttpContext context, string accountId, string email, DashboardSignIn signIn)
    {
        if (signIn is not { Outcome: SignInOutcome.SignedIn, SessionId: { } sessionId, Role: { } role })
        {
            throw new ArgumentException("Only a successful sign-in has a session to sign in with.", nameof(signIn));
        }

        return context.SignInAsync(Scheme, Principal(accountId, DashboardCredentials.NormalizeEmail(email), role, sessionId));
    }

    public static string GetDashboardEmail(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(Email) ?? throw new InvalidOperationException("The request was not signed in to the dashboard.");

    public static bool IsOwner(this ClaimsPrincipal principal) => principal.FindFirstValue(Role) == DashboardRoles.Owner;

    /// <summary>
    /// Every request's cookie is checked against the account's users: a session signed out, ended by a password reset or
    /// by the user's removal is refused at once, whichever gateway the cookie comes back to. The role is read afresh.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var accountId = principal?.FindFirstValue(TryOnClaims.AccountId);
        var email = principal?.FindFirstValue(Email);
        var sessionId = principal?.FindFirstValue(SessionId);
        var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
        var session = accountId is null || email is null || sessionId is null
            ? null
            : await grains.GetGrain<IDashboardTeamGrain>(accountId).GetSessionAsync(email, sessionId, context.HttpContext.RequestAborted);
        if (session is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        if (session.Role != principal!.FindFirstValue(Role))
        {
            context.ReplacePrincipal(Principal(accountId!, email!, session.Role, sessionId!));
            context.ShouldRenew = true;
        }
    }
}
