using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Webhooks;
using TryOn.Web.Accounts;
using TryOn.Web.Admin;
using TryOn.Web.Multipart;
using TryOn.Web.Webhooks;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// The account's settings: the watermark logo (<see cref="AccountLogo"/>, as the admin API's <c>PUT</c> and
/// <c>DELETE /admin/v1/accounts/{id}/logo</c>), how many days shopper photos and results are kept (the admin
/// <c>PATCH</c>'s <c>retentionDays</c>, with its validator), and the webhook endpoints (as
/// <c>/tryon/v1/webhook-endpoints</c>, with its validator; a new endpoint's signing secret is shown once). Members see
/// them; owners change them. The form may carry a logo, hence the larger body limit than the service's 1 MiB.
/// </summary>
[RequestSizeLimit(MultipartForm.MaxFileBytes + (64 * 1024))]
internal sealed class SettingsModel(
    IGrainFactory grains,
    DashboardImages images,
    AccountLogo accountLogo,
    IValidator<UpdateAccountRequest> accountChanges,
    IValidator<WebhookEndpointRequest> webhookEndpoints) : DashboardPage(grains)
{
    /// <summary>The notices a redirect after a change may ask for; nothing else from the query is shown.</summary>
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["logo"] = "The logo is saved: new results are stamped with it.",
        ["logo-removed"] = "The logo is removed: new results are not stamped.",
        ["retention"] = "The retention is saved.",
        ["webhook-removed"] = "The webhook endpoint is removed; its pending deliveries stop.",
    };

    [BindProperty(SupportsGet = true)] public string? Saved { get; set; }

    public IReadOnlyList<WebhookEndpoint> Webhooks { get; private set; } = [];

    /// <summary>The endpoint just added and its signing secret: in this answer only.</summary>
    public CreatedWebhookEndpoint? CreatedWebhook { get; private set; }

    public string? LogoProblem { get; private set; }

    public string? RetentionProblem { get; private set; }

    public string? WebhookProblem { get; private set; }

    /// <summary>The URL typed into the add form, kept when it was refused.</summary>
    public string? WebhookUrl { get; private set; }

    public string? Notice => Saved is not null && Notices.TryGetValue(Saved, out var notice) ? notice : null;

    public IReadOnlyList<int> RetentionChoices { get; } = [.. AccountDefaults.RetentionPresets.Order()];

    protected override bool OnlyOwnersChange => true;

    private IWebhookEndpointsGrain Endpoints => Grains.GetGrain<IWebhookEndpointsGrain>(AccountId);

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>The account's current logo, for its preview.</summary>
    public async Task<IActionResult> OnGetLogoAsync()
    {
        // The file itself, not a preview: a preview would flatten the logo's transparency.
        if (await images.ReadAsync(Account.LogoBlobKey, preview: false, HttpContext.RequestAborted) is not { } logo)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "private, no-cache";
        return File(logo.Bytes, logo.ContentType);
    }

    public async Task<IActionResult> OnPostLogoAsync(IFormFile? logo)
    {
        if (logo is null || logo.Length == 0)
        {
            LogoProblem = "Choose a PNG file to upload.";
        }
        else if (logo.Length > MultipartForm.MaxFileBytes)
        {
            LogoProblem = $"The logo may be at most {MultipartForm.MaxFileBytes / (1024 * 1024)} MiB.";
        }
        else
        {
            var content = new byte[logo.Length];
            await using (var stream = logo.OpenReadStream())
            {
                await stream.ReadExactlyAsync(content, HttpContext.RequestAborted);
            }

            var change = await accountLogo.SetAsync(AccountId, content, HttpContext.RequestAborted);
            if (change.Account is not null)
            {
                return RedirectToPage(new { saved = "logo" });
            }

            LogoProblem = change.Refusal?.Message ?? "The account could not be found.";
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveLogoAsync()
    {
        await accountLogo.RemoveAsync(AccountId, HttpContext.RequestAborted);
        return RedirectToPage(new { saved = "logo-removed" });
    }

    public async Task<IActionResult> OnPostRetentionAsync(string? retentionDays)
    {
        var days = int.TryParse(retentionDays, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        // The admin API's own rules for retentionDays, so both refuse the same values.
        var result = await accountChanges.ValidateAsync(new UpdateAccountRequest(null, null, days, null), HttpContext.RequestAborted);
        if (days is null || !result.IsValid)
        {
            RetentionProblem = $"Choose how many days to keep photos and results: {string.Join(", ", RetentionChoices)}.";
            await LoadAsync();
            return Page();
        }

        await AccountGrain.UpdateAsync(new AccountChanges(null, null, days, null), HttpContext.RequestAborted);
        return RedirectToPage(new { saved = "retention" });
    }

    public async Task<IActionResult> OnPostAddWebhookAsync(string? url, List<string?>? events)
    {
        // The merchant API's validator: the same URLs and events are refused here as there.
        var request = new WebhookEndpointRequest(url, events);
        var result = await webhookEndpoints.ValidateAsync(request, HttpContext.RequestAborted);
        if (!result.IsValid)
        {
            WebhookProblem = string.Join(" ", result.Errors.Select(error =>
                (error.PropertyName.StartsWith(nameof(WebhookEndpointRequest.Events), StringComparison.Ordinal) ? "Events: " : "Address: ") + error.ErrorMessage));
            WebhookUrl = url;
        }
        else
        {
            CreatedWebhook = await Endpoints.CreateAsync(url!, [.. events!.OfType<string>()], HttpContext.RequestAborted);
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteWebhookAsync(string? endpointId)
    {
        // The account's own endpoints grain: another account's endpoint id is not found there.
        if (!ResourceIds.IsWebhookEndpointId(endpointId) || !await Endpoints.DeleteAsync(endpointId!, HttpContext.RequestAborted))
        {
            WebhookProblem = "That webhook endpoint is not one of this account's, or it was removed already.";
            await LoadAsync();
            return Page();
        }

        return RedirectToPage(new { saved = "webhook-removed" });
    }

    private async Task LoadAsync() =>
        Webhooks = [.. (await Endpoints.ListAsync(HttpContext.RequestAborted)).OrderByDescending(endpoint => endpoint.CreatedAt)];
}
