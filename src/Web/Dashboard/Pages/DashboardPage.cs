using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TryOn.Contracts.Accounts;
using TryOn.Web.Authentication;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// A page of a signed-in user: the account comes from the session's cookie only, never from the request, so a user
/// sees and changes their own account alone. The account is loaded before the handler runs (its name heads every page).
/// </summary>
public abstract class DashboardPage(IGrainFactory grains) : PageModel
{
    protected IGrainFactory Grains { get; } = grains;

    /// <summary>The signed-in user's account.</summary>
    public AccountSnapshot Account { get; private set; } = null!;

    public string AccountId => User.GetAccountId();

    public string UserEmail => User.GetDashboardEmail();

    public bool IsOwner => User.IsOwner();

    protected IAccountGrain AccountGrain => Grains.GetGrain<IAccountGrain>(AccountId);

    /// <summary>
    /// Pages whose changes are the owners' (settings, buying credits): members see them, and their posts are refused
    /// with <c>403</c> (<see cref="DashboardAuthentication.OwnerPolicy"/>) before a handler runs.
    /// </summary>
    protected virtual bool OnlyOwnersChange => false;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (await AccountGrain.GetAsync(HttpContext.RequestAborted) is not { } account)
        {
            context.Result = NotFound();
            return;
        }

        Account = account;
        if (OnlyOwnersChange && HttpMethods.IsPost(Request.Method)
            && !(await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(User, DashboardAuthentication.OwnerPolicy)).Succeeded)
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/html; charset=utf-8",
                Content = DashboardAssets.OwnersOnlyPage,
            };
            return;
        }

        await next();
    }
}
