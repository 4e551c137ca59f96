using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts.Generations;
using TryOn.Web.TryOn;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// One try-on: its shopper photo and result side by side, its product, timings and, when it failed, its error code
/// and message. While it runs, the page follows its status (dashboard.js) and shows the result when it is done.
/// </summary>
public sealed class GenerationModel(IGrainFactory grains, IGenerationReadModel generations) : DashboardPage(grains)
{
    /// <summary>The try-on, or null when the id is unknown or another account's (the page says so, answering 404).</summary>
    public GenerationView? Generation { get; private set; }

    public bool Finished => Generation?.Status is GenerationStatus.Completed or GenerationStatus.Failed;

    public async Task<IActionResult> OnGetAsync(string generationId)
    {
        // Another account's generation is not found here, exactly as an unknown id.
        var lookup = await GenerationLookups.FindAsync(Grains, generations, generationId, AccountId, HttpContext.RequestAborted);
        Generation = lookup.Status == GenerationLookupStatus.Found ? lookup.Generation : null;
        if (Generation is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
