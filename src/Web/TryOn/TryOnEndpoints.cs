using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Hosting.Files;
using TryOn.Hosting.Generations;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Idempotency;
using TryOn.Web.Multipart;
using TryOn.Web.Paging;

namespace TryOn.Web.TryOn;

/// <summary>
/// <c>POST /try-on</c> and <c>/try-on/sync</c> (docs/generations.md, admission in <see cref="TryOnIntake"/>),
/// <c>GET /generations</c> and <c>GET /generations/:id</c> (§3.4–3.5).
/// </summary>
internal static class TryOnEndpoints
{
    /// <summary>A try-on as the reference shows it: a stored product on an uploaded photo, for end user u-77.</summary>
    private const string Example =
        """{ "products": [{ "externalId": "shirt-1" }], "person": { "image": { "source": { "id": "img_01kbz2m3q5r7t9v1x3z5b7d9f1" } } }, "externalUserId": "u-77", "output": { "keepForDays": 7 } }""";

    private static readonly TimeSpan SyncPollInterval = TimeSpan.FromMilliseconds(100);

    public static RouteGroupBuilder MapTryOnEndpoints(this RouteGroupBuilder merchant)
    {
        merchant.MapPost("/try-on", StartAsync)
            .DisableAntiforgery()
            .AcceptsIdempotencyKey()
            .AcceptsJsonOrMultipart<TryOnBody>(Example, DeprecatedShapes.Documented)
            .WithTags("Try-on")
            .WithName("StartTryOn")
            .WithSummary("Start a try-on")
            .WithDescription("Start a generation (1 credit): a product (reference, inline or one-shot) on a shopper photo (id, url or fileKey).")
            .ProducesErrors(TryOnIntake.Refusals);
        merchant.MapPost("/try-on/sync", StartAndWaitAsync)
            .DisableAntiforgery()
            .AcceptsIdempotencyKey()
            .AcceptsJsonOrMultipart<TryOnBody>(Example, DeprecatedShapes.Documented)
            .WithTags("Try-on")
            .WithName("TryOnSync")
            .WithSummary("Try on and wait")
            .WithDescription("Like /try-on, but waits (up to 90 s) for the result: 200 with the finished generation, or 202 while it runs.")
            .ProducesErrors(TryOnIntake.Refusals);
        merchant.MapGet("/generations", ListAsync)
            .WithTags("Try-on")
            .WithName("ListGenerations")
            .WithSummary("List generations")
            .WithDescription("The account's generations, newest first (paged; optional status filter).")
            .ProducesErrors(ErrorCodes.ValidationFailed);
        merchant.MapGet("/generations/{generationId}", GetAsync)
            .WithTags("Try-on")
            .WithName("GetGeneration")
            .WithSummary("Get a generation")
            .WithDescription("A generation's status, progress, and its result link once completed.")
            .ProducesErrors(ErrorCodes.Forbidden, ErrorCodes.GenerationNotFound);
        return merchant;
    }

    internal static async Task<Results<Ok<TryOnStartedResponse>, ApiErrorResult>> StartAsync(
        HttpRequest request, ClaimsPrincipal user, TryOnIntake intake, CancellationToken cancellationToken)
    {
        var (started, error) = await intake.AcceptAsync(request, user, cancellationToken);
        return started is null ? new ApiErrorResult(error!) : TypedResults.Ok(started);
    }

    internal static async Task<Results<Ok<GenerationResponse>, Accepted<TryOnStartedResponse>, ApiErrorResult>> StartAndWaitAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        TryOnIntake intake,
        IGrainFactory grains,
        FileLinks links,
        IOptions<TryOnOptions> options,
        CancellationToken cancellationToken)
    {
        var (started, error) = await intake.AcceptAsync(request, user, cancellationToken);
        if (started is null)
        {
            return new ApiErrorResult(error!);
        }

        // Polls its own grain: cheap, bounded, and independent of which silo runs the generation.
        var generation = grains.GetGrain<IGenerationGrain>(started.GenerationId);
        var lastStatus = started.Status;
        var waitUntil = TimeProvider.System.GetTimestamp() + (long)(options.Value.SyncWait.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < waitUntil)
        {
            GenerationLookup lookup;
            try
            {
                lookup = await generation.FindAsync(user.GetAccountId(), cancellationToken).WithinReadDeadline(cancellationToken);
            }
            catch (Exception exception) when (ClusterFailures.IsUnreachable(exception))
            {
                // Admitted, and its grain out of reach for now: the merchant polls, as after any wait.
                break;
            }

            if (lookup.Generation is { Status: GenerationStatus.Completed or GenerationStatus.Failed } finished)
            {
                return TypedResults.Ok(GenerationResponse.From(finished, links));
            }

            lastStatus = lookup.Generation?.Status.ToString().ToUpperInvariant() ?? lastStatus;

            await Task.Delay(SyncPollInterval, cancellationToken);
        }

        return TypedResults.Accepted($"/tryon/v1/generations/{started.GenerationId}", started with { Status = lastStatus });
    }

    internal static async Task<Results<Ok<ListResponse<GenerationListItem>>, ApiErrorResult>> ListAsync(
        string? limit, string? cursor, string? status, ClaimsPrincipal user, IGenerationReadModel generations, FileLinks links, CancellationToken cancellationToken)
    {
        if (!ListQuery.TryParse(limit, cursor, out var page, out var error))
        {
            return new ApiErrorResult(error!);
        }

        GenerationStatus? filter = null;
        if (status is not null)
        {
            var parsed = Enum.GetValues<GenerationStatus>().Cast<GenerationStatus?>()
                .FirstOrDefault(candidate => string.Equals(candidate.ToString(), status, StringComparison.OrdinalIgnoreCase));
            if (parsed is null)
            {
                return new ApiErrorResult(ApiError.QueryValidation("status", "Expected PENDING, PROCESSING, COMPLETED or FAILED."));
            }

            filter = parsed.Value;
        }

        var result = await generations.ListAsync(user.GetAccountId(), filter, page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(generation => GenerationListItem.From(generation, links)));
    }

    internal static async Task<Results<Ok<GenerationResponse>, ApiErrorResult>> GetAsync(
        string generationId, ClaimsPrincipal user, IGrainFactory grains, IGenerationReadModel generations, FileLinks links, CancellationToken cancellationToken)
    {
        var lookup = await GenerationLookups.FindAsync(grains, generations, generationId, user.GetAccountId(), cancellationToken);
        return lookup.Status switch
        {
            GenerationLookupStatus.Found => TypedResults.Ok(GenerationResponse.From(lookup.Generation!, links)),
            GenerationLookupStatus.OtherAccount => new ApiErrorResult(ApiError.Of(ErrorCodes.Forbidden, $"Generation '{generationId}' belongs to another account.")),
            _ => new ApiErrorResult(ApiError.Of(ErrorCodes.GenerationNotFound, $"Generation '{generationId}' not found.")),
        };
    }
}

internal sealed record TryOnStartedResponse(string GenerationId, string Status, string ProductExternalId);

/// <summary>An item of <c>GET /generations</c> (docs/generations.md).</summary>
internal sealed record GenerationListItem(
    string Id,
    string Status,
    string ProductExternalId,
    string? ProductDescription,
    long? GenerationTimeMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResultImageUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorCode)
{
    public static GenerationListItem From(GenerationView generation, FileLinks links) => new(
        generation.GenerationId,
        generation.Status.ToString().ToUpperInvariant(),
        generation.ProductExternalId,
        generation.ProductDescription,
        generation.GenerationTimeMs,
        generation.CreatedAt,
        generation.UpdatedAt,
        generation is { Status: GenerationStatus.Completed, ResultBlobKey: { } blobKey } ? links.Create(blobKey).Url : null,
        generation.ErrorCode);
}

/// <summary>Settings of the try-on endpoints (configuration section <c>TryOn</c>).</summary>
internal sealed class TryOnOptions
{
    public const string SectionName = "TryOn";

    /// <summary>How long <c>/try-on/sync</c> holds the request before answering 202.</summary>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromSeconds(90);
}
