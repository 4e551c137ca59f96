using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Paging;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>The account's try-ons, newest first, a page at a time, optionally of one status, with their images.</summary>
public sealed class GenerationsModel(IGrainFactory grains, IGenerationReadModel generations) : DashboardPage(grains)
{
    public const int PageSize = 20;

    /// <summary>The status shown (<c>pending</c>, <c>processing</c>, <c>completed</c>, <c>failed</c>), all when none.</summary>
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public GenerationStatus? Filter { get; private set; }

    public IReadOnlyList<GenerationView> Items { get; private set; } = [];

    /// <summary>The cursor of the next (older) page, null on the last.</summary>
    public string? Next { get; private set; }

    public async Task OnGetAsync()
    {
        // An unknown status or a cursor not of this list shows the newest of all, as a first visit would.
        Filter = Enum.TryParse<GenerationStatus>(Status, ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : null;
        Status = Filter?.ToString().ToLowerInvariant();
        var after = PageCursor.TryDecode(Cursor, out var sortKey) ? sortKey : null;
        Cursor = after is null ? null : Cursor;
        var page = await generations.ListAsync(AccountId, Filter, new PageRequest(after, PageSize), HttpContext.RequestAborted);
        Items = page.Items;
        Next = page.NextAfter is { } next ? PageCursor.Encode(next) : null;
    }
}
