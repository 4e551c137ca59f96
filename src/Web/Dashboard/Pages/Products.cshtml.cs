using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Web.Paging;
using TryOn.Web.Products;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>One product of the list, with its generations' figures and whether it has an image to show.</summary>
public sealed record ProductRow(ProductSnapshot Product, ProductGenerationStats Stats, bool HasThumbnail);

/// <summary>
/// The account's products, newest first, a page at a time (the product read model, as <c>GET /tryon/v1/products</c>),
/// each with its generations' figures and a thumbnail of its first stored image, and a delete button (the grain call of
/// <c>DELETE /tryon/v1/products/{externalId}</c>). Thumbnails come through this page's own handler, signed in with the
/// dashboard cookie, because signed file links may name another origin (<c>Files:PublicBaseUrl</c>) and the page's
/// policy allows images from this origin only.
/// </summary>
internal sealed class ProductsModel(
    IGrainFactory grains,
    IProductReadModel products,
    IGenerationReadModel generations,
    DashboardImages images,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock) : DashboardPage(grains)
{
    /// <summary>Products a page shows.</summary>
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public IReadOnlyList<ProductRow> Rows { get; private set; } = [];

    /// <summary>The cursor of the next (older) page; null on the last one.</summary>
    public string? NextCursor { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostDeleteAsync(string? externalId)
    {
        // The account comes from the session: another account's product id is not one of this account's.
        if (externalId is null || !await ProductEndpoints.DeleteProductAsync(Grains, AccountId, externalId, HttpContext.RequestAborted))
        {
            Problem = "That product is not one of this account's, or it was deleted already.";
            await LoadAsync();
            return Page();
        }

        return RedirectToPage();
    }

    /// <summary>The first stored image of one of the account's products, for its row's thumbnail.</summary>
    public async Task<IActionResult> OnGetThumbnailAsync(string? externalId)
    {
        var product = ProductKeys.IsValidExternalId(externalId)
            ? await Grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(AccountId, externalId!)).GetAsync(HttpContext.RequestAborted)
            : null;
        if (product is null
            || await images.ReadAsync(ThumbnailOf(product), preview: true, HttpContext.RequestAborted) is not { } thumbnail)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "private, max-age=300";
        return File(thumbnail.Bytes, thumbnail.ContentType);
    }

    private static string? ThumbnailOf(ProductSnapshot product) =>
        product.Images.OrderBy(image => image.Order).Select(image => image.BlobKey).FirstOrDefault(key => key is not null);

    private async Task LoadAsync()
    {
        if (!ListQuery.TryParse(null, Cursor, out var page, out _))
        {
            Problem ??= "That page link is not valid any more; here is the first page.";
            page = new PageRequest(null, PageSize);
            Cursor = null;
        }

        var listed = await products.ListAsync(AccountId, page with { Limit = PageSize }, clock.GetUtcNow(), HttpContext.RequestAborted);
        var rows = new List<ProductRow>(listed.Items.Count);
        foreach (var product in listed.Items)
        {
            var stats = await generations.StatsAsync(AccountId, product.ExternalId, null, null, HttpContext.RequestAborted);
            rows.Add(new ProductRow(product, stats, ThumbnailOf(product) is not null));
        }

        Rows = rows;
        NextCursor = listed.NextAfter is null ? null : PageCursor.Encode(listed.NextAfter);
    }
}
