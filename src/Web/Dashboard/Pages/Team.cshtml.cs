using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts.Dashboard;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// The account's users, for every user of the account to see; owners invite someone (the link is shown once, there
/// being no mail server), withdraw invitations not yet used, and remove users (their sessions end at once). A member's post to an owner's form is
/// <c>403</c> and changes nothing (docs/dashboard.md, "Team").
/// </summary>
internal sealed class TeamModel(IGrainFactory grains, DashboardInvitations invitations) : DashboardPage(grains)
{
    private const string OwnersOnly = "Only the account's owners can invite and remove users.";

    [BindProperty] public string? Email { get; set; }

    [BindProperty] public string? Role { get; set; } = DashboardRoles.Member;

    public IReadOnlyList<DashboardUserInfo> Users { get; private set; } = [];

    /// <summary>Invitations not yet used, withdrawn or expired, newest first (never their links).</summary>
    public IReadOnlyList<DashboardLink> Invitations { get; private set; } = [];

    /// <summary>The invitation just issued: the one moment its link exists.</summary>
    public IssuedLink? Issued { get; private set; }

    public string? Problem { get; private set; }

    private IDashboardTeamGrain Team => Grains.GetGrain<IDashboardTeamGrain>(AccountId);

    /// <summary>Inviting and removing are the owners' (a member's post is refused before a handler runs).</summary>
    protected override bool OnlyOwnersChange => true;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostInviteAsync()
    {
        await LoadAsync();
        if (!DashboardCredentials.IsEmail(Email))
        {
            Problem = "Enter one e-mail address, such as ana@shop.example.";
            return Page();
        }

        if (!DashboardRoles.IsRole(Role))
        {
            Problem = $"Choose the role {DashboardRoles.Member} or {DashboardRoles.Owner}.";
            return Page();
        }

        // A new invitation for a user already here would let an owner choose that user's password and role: remove
        // them first (they see their sessions end), or ask the operator for a reset link.
        var email = DashboardCredentials.NormalizeEmail(Email);
        if (Users.Any(user => user.Email == email))
        {
            Problem = $"{email} is already a user of this account.";
            return Page();
        }

        Issued = await invitations.InviteAsync(AccountId, email, Role!, HttpContext.RequestAborted);
        if (Issued is null)
        {
            Problem = "This e-mail address already signs in to another account's dashboard.";
            return Page();
        }

        Email = null;
        Role = DashboardRoles.Member;
        ModelState.Clear();
        // The new invitation is listed with the others.
        await LoadAsync();
        return Page();
    }

    /// <summary>The address comes as <c>address</c>, not <c>email</c>, which would also fill the invite form's field.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(string? address)
    {
        var outcome = DashboardCredentials.IsEmail(address)
            ? await Team.RemoveUserByOwnerAsync(UserEmail, address, HttpContext.RequestAborted)
            : DashboardUserRemoval.NoSuchUser;
        if (outcome == DashboardUserRemoval.Removed)
        {
            return RedirectToPage();
        }

        Problem = outcome switch
        {
            DashboardUserRemoval.Self => "You cannot remove yourself. Another owner can, or your operator.",
            DashboardUserRemoval.NotOwner => OwnersOnly,
            _ => "That address is not a user of this account.",
        };
        await LoadAsync();
        return Page();
    }

    /// <summary>Withdraws a pending invitation: its link opens nothing any more, whoever holds it.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(string? invitationId)
    {
        if (DashboardLinks.IsLinkId(invitationId) && await invitations.WithdrawAsync(AccountId, invitationId!, HttpContext.RequestAborted))
        {
            return RedirectToPage();
        }

        Problem = "That invitation is not one of this account's pending ones: it was used, withdrawn or has expired.";
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Users = await Team.ListUsersAsync(HttpContext.RequestAborted);
        Invitations = await Team.ListInvitationsAsync(HttpContext.RequestAborted);
    }
}
