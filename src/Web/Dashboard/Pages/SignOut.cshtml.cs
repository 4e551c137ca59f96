using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TryOn.Contracts.Dashboard;
using TryOn.Web.Authentication;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>Ends the session in the team grain, so a copy of the cookie is useless from now on, then drops the cookie.</summary>
public sealed class SignOutModel(IGrainFactory grains) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.FindFirst(DashboardAuthentication.SessionId)?.Value is { } sessionId)
        {
            await grains.GetGrain<IDashboardTeamGrain>(User.GetAccountId()).SignOutAsync(User.GetDashboardEmail(), sessionId, HttpContext.RequestAborted);
        }

        await HttpContext.SignOutAsync(DashboardAuthentication.Scheme);
        return RedirectToPage("/SignIn");
    }
}
