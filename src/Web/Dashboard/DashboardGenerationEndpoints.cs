using System.Security.Claims;
using TryOn.Contracts.Generations;
using TryOn.Web.Authentication;
using TryOn.Web.TryOn;

namespace TryOn.Web.Dashboard;

/// <summary>
/// What the generation pages load besides their HTML, for the signed-in user's account only: a generation's shopper
/// photo and result (whole, or as a small preview for lists), and its live status for the page of a running one. The
/// images are served here rather than through signed file links, so a page shows them from its own origin (the
/// dashboard's policy allows no other) and no link to them leaves the dashboard.
/// </summary>
internal static class DashboardGenerationEndpoints
{
    public static IEndpointRouteBuilder MapDashboardGenerationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var generations = endpoints.MapGroup("/dashboard/generations/{generationId}")
            .RequireAuthorization(DashboardAuthentication.Policy)
            .ExcludeFromDescription();
        generations.MapGet("/images/{image}", GetImageAsync);
        generations.MapGet("/status", GetStatusAsync);
        return endpoints;
    }

    /// <summary>The path of a generation's image: <paramref name="image"/> is <c>person</c> or <c>result</c>.</summary>
    public static string ImagePath(string generationId, string image, bool preview = false) =>
        $"/dashboard/generations/{Uri.EscapeDataString(generationId)}/images/{image}{(preview ? "?size=preview" : "")}";

    public static string StatusPath(string generationId) => $"/dashboard/generations/{Uri.EscapeDataString(generationId)}/status";

    private static async Task<IResult> GetImageAsync(
        string generationId,
        string image,
        string? size,
        ClaimsPrincipal user,
        IGrainFactory grains,
        IGenerationReadModel generations,
        DashboardImages images,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var lookup = await GenerationLookups.FindAsync(grains, generations, generationId, user.GetAccountId(), cancellationToken);
        var blobKey = (image, lookup.Generation) switch
        {
            ("person", { PersonBlobKey: { } person }) => person,
            ("result", { Status: GenerationStatus.Completed, ResultBlobKey: { } result }) => result,
            _ => null,
        };
        if (await images.ReadAsync(blobKey, preview: size == "preview", cancellationToken) is not { } file)
        {
            return Results.NotFound();
        }

        // A generation's images never change; a browser may keep them while the session lasts.
        response.Headers.CacheControl = "private, max-age=3600";
        return Results.File(file.Bytes, file.ContentType);
    }

    /// <summary>The generation's status as the running page polls it; 404 for another account's or an unknown id.</summary>
    private static async Task<IResult> GetStatusAsync(
        string generationId, ClaimsPrincipal user, IGrainFactory grains, IGenerationReadModel generations, HttpResponse response, CancellationToken cancellationToken)
    {
        var lookup = await GenerationLookups.FindAsync(grains, generations, generationId, user.GetAccountId(), cancellationToken);
        response.Headers.CacheControl = "no-store";
        return lookup is { Status: GenerationLookupStatus.Found, Generation: { } generation }
            ? Results.Json(new DashboardGenerationStatus(
                generation.Status.ToString().ToUpperInvariant(),
                generation.Status is GenerationStatus.Completed or GenerationStatus.Failed,
                generation.Progress,
                generation.QueuePosition))
            : Results.NotFound();
    }
}

/// <summary>A running generation's status, as its page shows it.</summary>
internal sealed record DashboardGenerationStatus(string Status, bool Finished, double Progress, int? QueuePosition);
