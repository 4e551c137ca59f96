using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Dashboard;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The team page (docs/dashboard.md, "Team"): every user of the account sees its users; owners invite (the link shown
/// once) and remove (the removed user's sessions end at once); members, forms without their token and another
/// account's addresses change nothing; the team grain's rules for an owner's removal.
/// </summary>
public sealed partial class DashboardTeamTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    private const string Team = "/dashboard/team";
    private const string Invite = "/dashboard/team?handler=Invite";
    private const string Remove = "/dashboard/team?handler=Remove";
    private const string Withdraw = "/dashboard/team?handler=Withdraw";

    [GeneratedRegex("data-invitation-id=\"(?<id>inv_[a-z0-9]+)\"")]
    private static partial Regex PendingInvitation();

    [GeneratedRegex("data-testid=\"invitation-link\">(?<url>/dashboard/links/[^<]+)<")]
    private static partial Regex InvitationLink();

    [Fact]
    public async Task An_owner_invites_a_member_who_joins_through_the_link_and_signs_in()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@team.example", "owner");
        var before = await owner.PageAsync(Team);
        Assert.Contains("href=\"/dashboard/team\"", before, StringComparison.Ordinal);
        Assert.Contains("owner@team.example", before, StringComparison.Ordinal);

        using var invited = await owner.SubmitAsync(Team, Fields("New.Member@Team.example", "member"), Invite);
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        var html = await invited.Content.ReadAsStringAsync();
        var url = WebUtility.HtmlDecode(InvitationLink().Match(html).Groups["url"].Value);
        Assert.StartsWith("/dashboard/links/inv_", url, StringComparison.Ordinal);
        Assert.Contains("Invitation for new.member@team.example as member", html, StringComparison.Ordinal);
        Assert.Contains("data-copy=\"invitation-link\"", html, StringComparison.Ordinal);
        Assert.Contains("expires <time datetime=", html, StringComparison.Ordinal);
        Assert.Contains("<td data-label=\"E-mail address\">new.member@team.example</td>", html, StringComparison.Ordinal);

        // Shown once: the page never has the link again.
        Assert.DoesNotContain(url, await owner.PageAsync(Team), StringComparison.Ordinal);

        using var member = new DashboardVisitor(fixture.App);
        Assert.Contains("You are invited as <strong>member</strong>", await member.PageAsync(url), StringComparison.Ordinal);
        using (var joined = await member.ChoosePasswordAsync(url, DashboardAppFixture.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        }

        using (var signedOut = await member.SignOutAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        using (var signedIn = await member.SignInAsync("new.member@team.example", DashboardAppFixture.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var team = await member.PageAsync(Team);
        Assert.Contains("owner@team.example", team, StringComparison.Ordinal);
        Assert.Contains("new.member@team.example", team, StringComparison.Ordinal);
        var user = (await UsersAsync(merchant.AccountId)).Single(user => user.GetProperty("email").GetString() == "new.member@team.example");
        Assert.Equal("member", user.GetProperty("role").GetString());
        Assert.NotEqual(JsonValueKind.Null, user.GetProperty("lastSignInAt").ValueKind);

        // An owner may invite owners too.
        using var asOwner = await owner.SubmitAsync(Team, Fields("second.owner@team.example", "owner"), Invite);
        var ownerUrl = WebUtility.HtmlDecode(InvitationLink().Match(await asOwner.Content.ReadAsStringAsync()).Groups["url"].Value);
        using var second = new DashboardVisitor(fixture.App);
        Assert.Contains("You are invited as <strong>owner</strong>", await second.PageAsync(ownerUrl), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_sees_the_team_but_has_no_forms_and_is_refused_inviting_or_removing()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "boss@member-rules.example", "owner");
        using var member = await fixture.SignedInAsync(merchant.AccountId, "staff@member-rules.example", "member");

        var team = await member.PageAsync(Team);
        Assert.Contains("boss@member-rules.example", team, StringComparison.Ordinal);
        Assert.Contains("staff@member-rules.example", team, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Invite", team, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Remove", team, StringComparison.Ordinal);

        using var invite = await member.SubmitAsync(Team, Fields("friend@member-rules.example", "owner"), Invite);
        Assert.Equal(HttpStatusCode.Forbidden, invite.StatusCode);
        var refused = await invite.Content.ReadAsStringAsync();
        Assert.Contains("Only the account", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("/dashboard/links/", refused, StringComparison.Ordinal);

        using var remove = await member.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "boss@member-rules.example" }, Remove);
        Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
        Assert.Equal(["boss@member-rules.example", "staff@member-rules.example"], await EmailsAsync(merchant.AccountId));
        Assert.Contains("credit-balance", await owner.PageAsync("/dashboard"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_a_user_ends_their_sessions_at_once_and_they_cannot_sign_in_again()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@removal.example", "owner");
        using var member = await fixture.SignedInAsync(merchant.AccountId, "leaving@removal.example", "member");
        using var otherOwner = await fixture.SignedInAsync(merchant.AccountId, "co-owner@removal.example", "owner");
        Assert.Contains("credit-balance", await member.PageAsync("/dashboard"), StringComparison.Ordinal);

        using var removed = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "Leaving@Removal.example" }, Remove);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        using (var after = await member.GetAsync("/dashboard"))
        {
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Contains("/dashboard/sign-in", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using (var again = await member.SignInAsync("leaving@removal.example", DashboardAppFixture.Password))
        {
            Assert.Contains("do not match", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("leaving@removal.example", await owner.PageAsync(Team), StringComparison.Ordinal);

        // Another owner can be removed too; the remover stays.
        using var coOwner = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "co-owner@removal.example" }, Remove);
        Assert.Equal(HttpStatusCode.Redirect, coOwner.StatusCode);
        using (var after = await otherOwner.GetAsync(Team))
        {
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        }

        Assert.Equal(["owner@removal.example"], await EmailsAsync(merchant.AccountId));
    }

    [Fact]
    public async Task An_owner_cannot_remove_themselves_nor_touch_another_account_s_users()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(mine.AccountId, "owner@mine.example", "owner");
        using var mate = await fixture.SignedInAsync(mine.AccountId, "mate@mine.example", "member");
        using var theirOwner = await fixture.SignedInAsync(theirs.AccountId, "owner@theirs.example", "owner");
        using var theirMember = await fixture.SignedInAsync(theirs.AccountId, "member@theirs.example", "member");

        // No remove button on one's own row, and a forged post is refused.
        Assert.DoesNotContain("value=\"owner@mine.example\"", await owner.PageAsync(Team), StringComparison.Ordinal);
        using (var self = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "owner@mine.example" }, Remove))
        {
            Assert.Equal(HttpStatusCode.OK, self.StatusCode);
            var html = await self.Content.ReadAsStringAsync();
            Assert.Contains("You cannot remove yourself", html, StringComparison.Ordinal);
            Assert.DoesNotContain("value=\"owner@mine.example\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("credit-balance", await owner.PageAsync("/dashboard"), StringComparison.Ordinal);

        using (var foreign = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "member@theirs.example" }, Remove))
        {
            Assert.Contains("not a user of this account", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(["member@theirs.example", "owner@theirs.example"], await EmailsAsync(theirs.AccountId));
        Assert.Contains("credit-balance", await theirMember.PageAsync("/dashboard"), StringComparison.Ordinal);
        Assert.DoesNotContain("theirs.example", await owner.PageAsync(Team), StringComparison.Ordinal);

        // Invitations: another account's address is taken, and a user already here is not invited again.
        using (var taken = await owner.SubmitAsync(Team, Fields("Member@Theirs.example", "member"), Invite))
        {
            var html = await taken.Content.ReadAsStringAsync();
            Assert.Contains("already signs in to another account", html, StringComparison.Ordinal);
            Assert.DoesNotMatch(InvitationLink(), html);
        }

        using (var present = await owner.SubmitAsync(Team, Fields("mate@mine.example", "owner"), Invite))
        {
            var html = await present.Content.ReadAsStringAsync();
            Assert.Contains("mate@mine.example is already a user of this account", html, StringComparison.Ordinal);
            Assert.DoesNotMatch(InvitationLink(), html);
        }

        Assert.Equal(["mate@mine.example", "owner@mine.example"], await EmailsAsync(mine.AccountId));
    }

    [Fact]
    public async Task The_owner_s_forms_without_their_antiforgery_token_are_refused_and_change_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@csrf-team.example", "owner");
        using var member = await fixture.SignedInAsync(merchant.AccountId, "member@csrf-team.example", "member");

        using var invite = await owner.SubmitAsync(Team, Fields("forged@csrf-team.example", "owner"), Invite, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, invite.StatusCode);
        Assert.DoesNotContain("/dashboard/links/", await invite.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var remove = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = "member@csrf-team.example" }, Remove, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, remove.StatusCode);

        Assert.Equal(["member@csrf-team.example", "owner@csrf-team.example"], await EmailsAsync(merchant.AccountId));
        Assert.Contains("credit-balance", await member.PageAsync("/dashboard"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not an address", "member", "Enter one e-mail address")]
    [InlineData("", "member", "Enter one e-mail address")]
    [InlineData("Ana <ana@bad-input.example>", "member", "Enter one e-mail address")]
    [InlineData("ana@bad-input.example", "boss", "Choose the role member or owner")]
    [InlineData("ana@bad-input.example", "", "Choose the role member or owner")]
    public async Task A_bad_address_or_role_shows_an_error_and_invites_nobody(string email, string role, string problem)
    {
        var merchant = await fixture.CreateMerchantAsync();
        // One new owner per case: an address belongs to one account.
        using var owner = await fixture.SignedInAsync(merchant.AccountId, $"owner-{Guid.NewGuid():N}@bad-input.example", "owner");

        using var response = await owner.SubmitAsync(Team, Fields(email, role), Invite);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(problem, html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InvitationLink(), html);
    }

    [Fact]
    public async Task Removing_a_bad_or_unknown_address_shows_an_error_and_removes_nobody()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@unknown.example", "owner");
        foreach (var email in new[] { "not an address", "nobody@unknown.example" })
        {
            using var response = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["address"] = email }, Remove);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("not a user of this account", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(["owner@unknown.example"], await EmailsAsync(merchant.AccountId));
    }

    [Fact]
    public async Task The_team_grain_lets_only_a_current_owner_remove_another_user()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@grain-rules.example", "owner");
        using var member = await fixture.SignedInAsync(merchant.AccountId, "member@grain-rules.example", "member");
        var team = fixture.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IDashboardTeamGrain>(merchant.AccountId);

        Assert.Equal(DashboardUserRemoval.NotOwner, await team.RemoveUserByOwnerAsync("member@grain-rules.example", "owner@grain-rules.example"));
        Assert.Equal(DashboardUserRemoval.NotOwner, await team.RemoveUserByOwnerAsync("gone@grain-rules.example", "member@grain-rules.example"));
        Assert.Equal(DashboardUserRemoval.Self, await team.RemoveUserByOwnerAsync("Owner@Grain-Rules.example", "owner@grain-rules.example"));
        Assert.Equal(DashboardUserRemoval.NoSuchUser, await team.RemoveUserByOwnerAsync("owner@grain-rules.example", "nobody@grain-rules.example"));
        Assert.Equal(["member@grain-rules.example", "owner@grain-rules.example"], await EmailsAsync(merchant.AccountId));

        Assert.Equal(DashboardUserRemoval.Removed, await team.RemoveUserByOwnerAsync("owner@grain-rules.example", "MEMBER@grain-rules.example"));
        Assert.Equal(["owner@grain-rules.example"], await EmailsAsync(merchant.AccountId));
    }

    [Fact]
    public async Task Pending_invitations_are_listed_until_used_and_an_owner_withdraws_one_whose_link_then_opens_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, "owner@pending.example", "owner");
        var kept = await InviteOnPageAsync(owner, "kept@pending.example");
        var withdrawn = await InviteOnPageAsync(owner, "withdrawn@pending.example");
        // The operator's invitations are listed too.
        var byOperator = (await fixture.InviteAsync(merchant.AccountId, "operator-made@pending.example", "member")).GetProperty("url").GetString()!;

        var page = await owner.PageAsync(Team);
        var pending = PendingInvitation().Matches(page).Select(match => match.Groups["id"].Value).ToList();
        Assert.Equal(3, pending.Count);
        Assert.Contains("withdrawn@pending.example", page, StringComparison.Ordinal);
        Assert.DoesNotContain(withdrawn, page, StringComparison.Ordinal);

        // A member sees them, without the button, and cannot withdraw one.
        using var member = await fixture.SignedInAsync(merchant.AccountId, "member@pending.example", "member");
        var memberView = await member.PageAsync(Team);
        Assert.Contains("kept@pending.example", memberView, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Withdraw", memberView, StringComparison.Ordinal);
        var withdrawnId = LinkIdOf(withdrawn);
        using (var refused = await member.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = withdrawnId }, Withdraw))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // Another account's owner cannot withdraw it either; it is "not one of this account's".
        var other = await fixture.CreateMerchantAsync();
        using var stranger = await fixture.SignedInAsync(other.AccountId, "owner@elsewhere-pending.example", "owner");
        using (var foreign = await stranger.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = withdrawnId }, Withdraw))
        {
            Assert.Contains("not one of this account", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var anyone = new DashboardVisitor(fixture.App);
        Assert.Contains("Join Test shop", await anyone.PageAsync(withdrawn), StringComparison.Ordinal);

        // Without its token nothing is withdrawn; with it, the link opens nothing and the list drops it.
        using (var forged = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = withdrawnId }, Withdraw, withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var done = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = withdrawnId }, Withdraw))
        {
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }

        Assert.Contains("This link cannot be used", await anyone.PageAsync(withdrawn), StringComparison.Ordinal);

        Assert.DoesNotContain("withdrawn@pending.example", await owner.PageAsync(Team), StringComparison.Ordinal);
        using (var again = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = withdrawnId }, Withdraw))
        {
            Assert.Contains("not one of this account", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var nonsense = await owner.SubmitAsync(Team, new Dictionary<string, string> { ["invitationId"] = "not-an-id" }, Withdraw))
        {
            Assert.Contains("not one of this account", await nonsense.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Used: no longer pending.
        using var joiner = new DashboardVisitor(fixture.App);
        using (var joined = await joiner.ChoosePasswordAsync(kept, DashboardAppFixture.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        }

        var after = await owner.PageAsync(Team);
        Assert.Equal([LinkIdOf(byOperator)], PendingInvitation().Matches(after).Select(match => match.Groups["id"].Value));
        Assert.Contains("<td data-label=\"E-mail address\">kept@pending.example", after, StringComparison.Ordinal);
    }

    private static async Task<string> InviteOnPageAsync(DashboardVisitor owner, string email)
    {
        using var invited = await owner.SubmitAsync(Team, Fields(email, "member"), Invite);
        return WebUtility.HtmlDecode(InvitationLink().Match(await invited.Content.ReadAsStringAsync()).Groups["url"].Value);
    }

    /// <summary>The invitation id of a link <c>/dashboard/links/{id}/{secret}</c>.</summary>
    private static string LinkIdOf(string url) => url.Split('/')[3];

    private static Dictionary<string, string> Fields(string email, string role) => new() { ["Email"] = email, ["Role"] = role };

    private async Task<JsonElement[]> UsersAsync(string accountId) =>
        [.. (await (await fixture.Admin.GetAsync(new Uri($"/admin/v1/accounts/{accountId}/users", UriKind.Relative))).ShouldBeOkAsync()).GetProperty("items").EnumerateArray()];

    private async Task<string[]> EmailsAsync(string accountId) =>
        [.. (await UsersAsync(accountId)).Select(user => user.GetProperty("email").GetString()!).Order(StringComparer.Ordinal)];
}
