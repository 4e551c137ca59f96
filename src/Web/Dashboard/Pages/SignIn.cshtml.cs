using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TryOn.Contracts.Dashboard;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// Sign-in with an e-mail address and password. Wrong addresses and wrong passwords get the same answer, after the
/// same work; five failures in a row lock the user out for 15 minutes (the team grain counts them, cluster-wide), and
/// each client address may post 10 forms a minute to a process.
/// </summary>
public sealed class SignInModel(IGrainFactory grains) : PageModel
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly string NobodysHash = Hasher.HashPassword(new object(), Guid.NewGuid().ToString("N"));

    [BindProperty] public string? Email { get; set; }

    [BindProperty] public string? Password { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect(SafeReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!DashboardCredentials.IsEmail(Email) || string.IsNullOrEmpty(Password) || Password.Length > DashboardCredentials.MaxPasswordLength)
        {
            Problem = "Enter your e-mail address and password.";
            return Page();
        }

        var accountId = await grains.GetGrain<IDashboardLoginGrain>(DashboardCredentials.LoginGrainKey(Email)).GetAccountAsync(HttpContext.RequestAborted);
        if (accountId is null)
        {
            // As long as a real check, so the answer's time does not tell which addresses have users.
            Hasher.VerifyHashedPassword(new object(), NobodysHash, Password);
            return WrongCredentials();
        }

        var result = await grains.GetGrain<IDashboardTeamGrain>(accountId).SignInAsync(Email, Password, HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                await HttpContext.SignInToDashboardAsync(accountId, Email, result);
                return Redirect(SafeReturnUrl);
            case SignInOutcome.LockedOut:
                Problem = $"Too many failed attempts. Try again after {result.LockedUntil:HH:mm} UTC, or ask your operator for a reset link.";
                return Page();
            default:
                return WrongCredentials();
        }
    }

    /// <summary>Only a dashboard page of this site: never another origin.</summary>
    private string SafeReturnUrl =>
        ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/dashboard", StringComparison.Ordinal) ? url : "/dashboard";

    private PageResult WrongCredentials()
    {
        Problem = "That e-mail address and password do not match.";
        return Page();
    }
}
