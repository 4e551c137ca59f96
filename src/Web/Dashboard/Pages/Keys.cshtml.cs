using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Ids;
using TryOn.Web.Admin;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// The account's API keys: create one (its secret is in that answer only), see names, prefixes and last use, revoke one
/// (refused by the API within a second, as through the admin API).
/// </summary>
public sealed class KeysModel(IGrainFactory grains) : DashboardPage(grains)
{
    [BindProperty] public string? Name { get; set; }

    public IReadOnlyList<ApiKeyInfo> Keys { get; private set; } = [];

    public IssuedApiKey? Issued { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > AdminLimits.MaxNameLength)
        {
            Problem = $"Give the key a name of 1 to {AdminLimits.MaxNameLength} characters, such as where it is used.";
        }
        else
        {
            Issued = await AccountGrain.IssueApiKeyAsync(name, HttpContext.RequestAborted);
            Name = null;
            ModelState.Clear();
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? keyId)
    {
        // The account grain knows only this account's keys: another account's key id is not found.
        var outcome = ResourceIds.IsApiKeyId(keyId)
            ? await AccountGrain.RevokeApiKeyAsync(keyId!, HttpContext.RequestAborted)
            : ApiKeyRevocation.KeyNotFound;
        if (outcome == ApiKeyRevocation.KeyNotFound)
        {
            Problem = "That key is not one of this account's.";
            await LoadAsync();
            return Page();
        }

        return RedirectToPage();
    }

    private async Task LoadAsync() =>
        Keys = [.. ((await AccountGrain.ListApiKeysAsync(HttpContext.RequestAborted)) ?? []).OrderByDescending(key => key.CreatedAt)];
}
