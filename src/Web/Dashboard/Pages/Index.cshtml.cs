namespace TryOn.Web.Dashboard.Pages;

/// <summary>The account at a glance: credits, what is reserved, the limits, and what to do first.</summary>
public sealed class IndexModel(IGrainFactory grains) : DashboardPage(grains)
{
    public bool HasKeys { get; private set; }

    public async Task OnGetAsync() =>
        HasKeys = (await AccountGrain.ListApiKeysAsync(HttpContext.RequestAborted))?.Any(key => key.RevokedAt is null) == true;
}
