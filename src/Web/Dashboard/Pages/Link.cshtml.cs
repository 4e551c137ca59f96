using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Dashboard;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// An invitation or a password reset link: the user chooses a password, the link is used up, and they are signed in.
/// The page is neither cached nor sent as a referrer (the security headers of every dashboard page).
/// </summary>
public sealed class LinkModel(IGrainFactory grains) : PageModel
{
    [BindProperty] public string? Password { get; set; }

    [BindProperty] public string? Confirmation { get; set; }

    public DashboardLink? Link { get; private set; }

    public string? AccountName { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string linkId, string secret)
    {
        await OpenAsync(linkId, secret);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string linkId, string secret)
    {
        if (!await OpenAsync(linkId, secret))
        {
            return Page();
        }

        Problem = DashboardCredentials.PasswordProblem(Password) ?? (Password != Confirmation ? "The two passwords differ." : null);
        if (Problem is not null)
        {
            return Page();
        }

        var link = Link!;
        var outcome = await grains.GetGrain<IDashboardLinkGrain>(linkId).RedeemAsync(DashboardLinks.Hash(secret), Password!, HttpContext.RequestAborted);
        switch (outcome)
        {
            case LinkRedemption.Redeemed:
                var signIn = await grains.GetGrain<IDashboardTeamGrain>(link.AccountId).SignInAsync(link.Email, Password!, HttpContext.RequestAborted);
                if (signIn.Outcome != SignInOutcome.SignedIn)
                {
                    return RedirectToPage("/SignIn");
                }

                await HttpContext.SignInToDashboardAsync(link.AccountId, link.Email, signIn);
                return RedirectToPage("/Index");
            case LinkRedemption.EmailTaken:
                Problem = "This e-mail address already signs in to another account's dashboard.";
                return Page();
            default:
                Link = null;
                return Page();
        }
    }

    private async Task<bool> OpenAsync(string linkId, string secret)
    {
        Link = DashboardLinks.IsLinkId(linkId) && DashboardLinks.IsSecret(secret)
            ? await grains.GetGrain<IDashboardLinkGrain>(linkId).OpenAsync(DashboardLinks.Hash(secret), HttpContext.RequestAborted)
            : null;
        AccountName = Link is null ? null : (await grains.GetGrain<IAccountGrain>(Link.AccountId).GetAsync(HttpContext.RequestAborted))?.Name;
        return Link is not null;
    }
}
