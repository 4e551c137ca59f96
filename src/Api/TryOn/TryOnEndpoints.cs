using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Api.Authentication;
using TryOn.Api.Errors;
using TryOn.Api.Files;
using TryOn.Api.Images;
using TryOn.Api.Multipart;
using TryOn.Api.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.Engines;
using TryOn.Grains.Errors;
using TryOn.Grains.Generations;
using TryOn.Grains.Hosting;
using TryOn.Grains.Ids;
using TryOn.Grains.Images;
using TryOn.Grains.Products;
using TryOn.Pipeline.Fetching;
using Microsoft.Extensions.Options;
using TryOn.Api.Paging;

namespace TryOn.Api.TryOn;

/// <summary><c>POST /try-on</c> (API.md §3.2) and <c>GET /generations/:id</c> (§3.4).</summary>
internal static class TryOnEndpoints
{
    private static readonly TimeSpan SyncPollInterval = TimeSpan.FromMilliseconds(100);

    public static RouteGroupBuilder MapTryOnEndpoints(this RouteGroupBuilder merchant)
    {
        merchant.MapPost("/try-on", StartAsync)
            .DisableAntiforgery()
            .WithTags("Try-on")
            .WithName("StartTryOn")
            .WithSummary("Start a generation (1 credit): a product (reference, inline or one-shot) on a shopper photo (id, url or fileKey).")
            .ProducesErrors(400, 402, 403, 404, 409, 413, 415, 422);
        merchant.MapPost("/try-on/sync", StartAndWaitAsync)
            .DisableAntiforgery()
            .WithTags("Try-on")
            .WithName("TryOnSync")
            .WithSummary("Like /try-on, but waits (up to 90 s) for the result: 200 with the finished generation, or 202 while it runs.")
            .ProducesErrors(400, 402, 403, 404, 409, 413, 415, 422);
        merchant.MapGet("/generations", ListAsync)
            .WithTags("Try-on")
            .WithName("ListGenerations")
            .WithSummary("The account's generations, newest first (paged; optional status filter).")
            .ProducesErrors(400);
        merchant.MapGet("/generations/{generationId}", GetAsync)
            .WithTags("Try-on")
            .WithName("GetGeneration")
            .WithSummary("A generation's status, progress, and its result link once completed.")
            .ProducesErrors(403, 404);
        return merchant;
    }

    internal static async Task<Results<Ok<TryOnStartedResponse>, ApiErrorResult>> StartAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IGrainFactory grains,
        ProductImageIntake intake,
        ShopperImages shopperImages,
        SafeImageFetcher fetcher,
        EngineRegistry engines,
        GenerationSnapshots snapshots,
        ILoggerFactory loggers,
        [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (started, error) = await AcceptAsync(request, user, grains, intake, shopperImages, fetcher, engines, snapshots, loggers.CreateLogger(TryOnLog.Category), clock, cancellationToken);
        return started is null ? new ApiErrorResult(error!) : TypedResults.Ok(started);
    }

    internal static async Task<Results<Ok<GenerationResponse>, Accepted<TryOnStartedResponse>, ApiErrorResult>> StartAndWaitAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IGrainFactory grains,
        ProductImageIntake intake,
        ShopperImages shopperImages,
        SafeImageFetcher fetcher,
        EngineRegistry engines,
        GenerationSnapshots snapshots,
        ILoggerFactory loggers,
        FileLinks links,
        IOptions<TryOnOptions> options,
        [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (started, error) = await AcceptAsync(request, user, grains, intake, shopperImages, fetcher, engines, snapshots, loggers.CreateLogger(TryOnLog.Category), clock, cancellationToken);
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
            var lookup = await generation.FindAsync(user.GetAccountId(), cancellationToken);
            if (lookup.Generation is { Status: GenerationStatus.Completed or GenerationStatus.Failed } finished)
            {
                return TypedResults.Ok(GenerationResponse.From(finished, request, links));
            }

            lastStatus = lookup.Generation?.Status.ToString().ToUpperInvariant() ?? lastStatus;

            await Task.Delay(SyncPollInterval, cancellationToken);
        }

        return TypedResults.Accepted($"/tryon/v1/generations/{started.GenerationId}", started with { Status = lastStatus });
    }

    internal static async Task<Results<Ok<ListResponse<GenerationListItem>>, ApiErrorResult>> ListAsync(
        string? limit, string? cursor, string? status, HttpRequest request, ClaimsPrincipal user, IGenerationReadModel generations, FileLinks links, CancellationToken cancellationToken)
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
                return new ApiErrorResult(ApiError.Validation("status", "Expected PENDING, PROCESSING, COMPLETED or FAILED."));
            }

            filter = parsed.Value;
        }

        var result = await generations.ListAsync(user.GetAccountId(), filter, page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(generation => GenerationListItem.From(generation, request, links)));
    }

    /// <summary>
    /// Everything <c>/try-on</c> and <c>/try-on/sync</c> share: read, check, reserve the credit, store the shopper
    /// photo, start the generation; the credit is released on every way out but an accepted generation.
    /// </summary>
    private static async Task<(TryOnStartedResponse? Started, ApiError? Error)> AcceptAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IGrainFactory grains,
        ProductImageIntake intake,
        ShopperImages shopperImages,
        SafeImageFetcher fetcher,
        EngineRegistry engines,
        GenerationSnapshots snapshots,
        ILogger log,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (body, form, bodyError) = await RequestBody.ReadAsync(request, maxFiles: ProductRequest.MaxImages + 1, cancellationToken);
        if (bodyError is not null)
        {
            return (null, bodyError);
        }

        using (body)
        {
            var tryOn = TryOnRequest.Read(body!.RootElement, out var invalid);
            if (tryOn is null)
            {
                return (null, invalid);
            }

            var accountId = user.GetAccountId();
            var (product, productError) = await ResolveProductAsync(accountId, tryOn.Product, form, grains, intake, clock, cancellationToken);
            if (productError is not null)
            {
                return (null, productError);
            }

            if (KnownMissingClassification(engines, product!) is { } missing)
            {
                return (null, ApiError.Of(
                    ErrorCodes.MissingRequiredClassification,
                    $"No image of product '{product!.ExternalId}' is classified '{missing}', which its engine requires.",
                    new Dictionary<string, string> { ["key"] = missing }));
            }

            StoredImageRecord? uploaded = null;
            if (tryOn.Person.ImageId is { } imageId)
            {
                var lookup = imageId.StartsWith("img_", StringComparison.Ordinal) && imageId.Length <= 64
                    ? await grains.GetGrain<IImageGrain>(imageId).FindAsync(accountId, cancellationToken)
                    : new ImageLookup(ImageLookupStatus.NotFound, null);
                switch (lookup.Status)
                {
                    case ImageLookupStatus.NotFound:
                        return (null, ApiError.Of(ErrorCodes.ImageNotFound, $"Image '{imageId}' not found or its retention has ended."));
                    case ImageLookupStatus.OtherAccount:
                        return (null, ApiError.Of(ErrorCodes.Forbidden, $"Image '{imageId}' belongs to another account."));
                }

                uploaded = lookup.Image;
            }

            var account = grains.GetGrain<IAccountGrain>(accountId);
            var settings = await account.GetAsync(cancellationToken);
            var keepForDays = tryOn.KeepForDays ?? settings?.RetentionDays ?? AccountDefaults.RetentionDays;

            // The account's logo is stamped unless the call says output.watermark: false.
            var watermark = tryOn.Watermark == false ? null : settings?.LogoBlobKey;
            if (uploaded is null)
            {
                // The shopper photo is stored before any credit is held: a slow or failing URL never holds one.
                var (stored, shopperError) = await StoreShopperAsync(accountId, tryOn, form, shopperImages, fetcher, keepForDays, cancellationToken);
                if (shopperError is not null)
                {
                    return (null, shopperError);
                }

                uploaded = stored;
            }

            var generationId = "gen_" + Ulid.NewUlid(clock).ToLowerInvariant();
            var reservation = await account.ReserveCreditAsync(generationId, CancellationToken.None);
            if (!reservation.Holds)
            {
                return (null, ReservationError(reservation));
            }

            var shopper = new ShopperImage(uploaded!.BlobKey, uploaded.ImageId, tryOn.ExternalUserId ?? uploaded.ExternalUserId);
            var (snapshot, copies) = await snapshots.TakeAsync(generationId, product!, engines);
            var start = await StartHoldingCreditAsync(
                grains, account, generationId, new GenerationRequest(accountId, snapshot, shopper, tryOn.Watermark, keepForDays, watermark), copies, snapshots);
            if (start != GenerationStartStatus.Accepted)
            {
                return (null, ApiError.Of(
                    ErrorCodes.QuotaExceeded,
                    "The service is at capacity and cannot queue more generations right now. Retry shortly.",
                    new Dictionary<string, string> { ["reason"] = "queue_full" }));
            }

            try
            {
                await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, product!.ExternalId)).RecordUseAsync(CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Bookkeeping: the generation is accepted and must be answered as such.
                TryOnLog.ProductUseNotRecorded(log, exception, product!.ExternalId);
            }

            return (new TryOnStartedResponse(generationId, "PENDING", product!.ExternalId), null);
        }
    }

    /// <summary>
    /// Starts the generation while the caller holds its credit, and gives the credit back unless the generation
    /// accepted it. When the start call fails without an answer the generation may or may not exist: the grain is
    /// asked, and closes the id if it does not, so a late start can never take a credit that was given back. When
    /// even that cannot be asked, the credit stays reserved for the reservation reconciliation to settle.
    /// </summary>
    private static async Task<GenerationStartStatus> StartHoldingCreditAsync(
        IGrainFactory grains, IAccountGrain account, string generationId, GenerationRequest request, IReadOnlyList<string> copies, GenerationSnapshots snapshots)
    {
        var generation = grains.GetGrain<IGenerationGrain>(generationId);
        GenerationStartStatus status;
        try
        {
            status = (await generation.StartAsync(request, CancellationToken.None)).Status;
        }
        catch
        {
            if (!await generation.AbandonIfNotStartedAsync(CancellationToken.None))
            {
                await account.ReleaseCreditAsync(generationId, CancellationToken.None);
                await snapshots.DiscardAsync(copies);
            }

            throw;
        }

        if (status is GenerationStartStatus.Accepted or GenerationStartStatus.AlreadyStarted)
        {
            return GenerationStartStatus.Accepted;
        }

        await account.ReleaseCreditAsync(generationId, CancellationToken.None);
        await snapshots.DiscardAsync(copies);
        return status;
    }

    internal static async Task<Results<Ok<GenerationResponse>, ApiErrorResult>> GetAsync(
        string generationId, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, FileLinks links, CancellationToken cancellationToken)
    {
        var lookup = generationId.StartsWith("gen_", StringComparison.Ordinal) && generationId.Length <= 64
            ? await grains.GetGrain<IGenerationGrain>(generationId).FindAsync(user.GetAccountId(), cancellationToken)
            : new GenerationLookup(GenerationLookupStatus.NotFound, null);
        return lookup.Status switch
        {
            GenerationLookupStatus.Found => TypedResults.Ok(GenerationResponse.From(lookup.Generation!, request, links)),
            GenerationLookupStatus.OtherAccount => new ApiErrorResult(ApiError.Of(ErrorCodes.Forbidden, $"Generation '{generationId}' belongs to another account.")),
            _ => new ApiErrorResult(ApiError.Of(ErrorCodes.GenerationNotFound, $"Generation '{generationId}' not found.")),
        };
    }

    /// <summary>
    /// The product the generation uses: a reference must exist; an inline product is created or updated (15 days from
    /// last use); without an external id a one-shot product is made (<c>_anon_…</c>, 7 days from last use).
    /// </summary>
    private static async Task<(ProductSnapshot? Product, ApiError? Error)> ResolveProductAsync(
        string accountId, ProductRequest request, MultipartForm? form, IGrainFactory grains, ProductImageIntake intake, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.IsReference)
        {
            var existing = ProductIds.IsValidExternalId(request.ExternalId)
                ? await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, request.ExternalId!)).GetAsync(cancellationToken)
                : null;
            return existing is null
                ? (null, ApiError.Of(ErrorCodes.ProductNotFound, $"Product '{request.ExternalId}' not found."))
                : (existing, null);
        }

        var kind = request.ExternalId is null ? ProductKind.OneShot : ProductKind.Inline;
        var externalId = request.ExternalId ?? ProductKeys.AnonymousPrefix + Ulid.NewUlid(clock).ToLowerInvariant();
        var (images, imageError) = await intake.AcceptAsync(accountId, request.Images, form, "products.0.", cancellationToken);
        if (imageError is not null)
        {
            return (null, imageError);
        }

        var uploads = images?.Select(image => image.StoredBlobKey).OfType<string>().ToList() ?? [];
        ProductUpsertResult result;
        try
        {
            result = await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId)).UpsertAsync(
                new ProductUpsert(kind, request.Title, request.Description, images, request.MetadataJson, request.MetadataGiven,
                    request.ValidForDays, request.ValidForDaysGiven, request.Category),
                CancellationToken.None);
        }
        catch
        {
            await intake.DiscardAsync(uploads);
            throw;
        }

        if (result.Product is null)
        {
            await intake.DiscardAsync(uploads);
            return (null, ApiError.Of(ErrorCodes.ProductImagesRequired, "A new product needs at least one image."));
        }

        return (result.Product, null);
    }

    /// <summary>The classification the product's engine needs, when every image's answer for it is already known and none has it.</summary>
    private static string? KnownMissingClassification(EngineRegistry engines, ProductSnapshot product)
    {
        var choice = engines.Choose(product);
        return choice.MissingClassification is { } key && product.Images.All(image => image.Classifications.ContainsKey(key)) ? key : null;
    }

    private static async Task<(StoredImageRecord? Image, ApiError? Error)> StoreShopperAsync(
        string accountId, TryOnRequest tryOn, MultipartForm? form, ShopperImages shopperImages, SafeImageFetcher fetcher, int keepForDays, CancellationToken cancellationToken)
    {
        byte[] bytes;
        if (tryOn.Person.Url is { } url)
        {
            var fetched = await fetcher.FetchAsync(url, cancellationToken);
            if (!fetched.Succeeded)
            {
                return (null, ApiError.Of(ErrorCodes.CustomerImageFetchFailed, $"The shopper image URL could not be downloaded: {fetched.Message}"));
            }

            bytes = fetched.Bytes!;
        }
        else if (form is not null && form.Files.TryGetValue(tryOn.Person.FileKey!, out var part))
        {
            bytes = part.Content;
        }
        else
        {
            return (null, ApiError.Of(ErrorCodes.MultipartFileNotFound, $"person.image.source.fileKey names the part '{tryOn.Person.FileKey}', which is not in the request."));
        }

        return await shopperImages.StoreAsync(accountId, bytes, cropToPortrait: true, tryOn.ExternalUserId, keepForDays);
    }

    private static ApiError ReservationError(CreditReservation reservation) => reservation.Status switch
    {
        CreditReservationStatus.InsufficientCredits => ApiError.Of(
            ErrorCodes.InsufficientCredits,
            "The account has no credits left. Top up and retry.",
            new Dictionary<string, long> { ["creditBalance"] = reservation.CreditBalance, ["required"] = 1 }),
        CreditReservationStatus.QuotaExceeded => ApiError.Of(
            ErrorCodes.QuotaExceeded,
            $"The account already has {reservation.InFlight} generations in flight, its limit. Retry when one finishes.",
            new Dictionary<string, long> { ["inFlight"] = reservation.InFlight, ["maxInFlightGenerations"] = reservation.MaxInFlight }),
        CreditReservationStatus.AccountInactive => ApiError.Of(ErrorCodes.InvalidApiKey),
        _ => ApiError.Of(ErrorCodes.AccountNotFound),
    };
}

internal sealed record TryOnStartedResponse(string GenerationId, string Status, string ProductExternalId);

/// <summary>An item of <c>GET /generations</c> (API.md §3.5).</summary>
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
    public static GenerationListItem From(GenerationView generation, HttpRequest request, FileLinks links) => new(
        generation.GenerationId,
        generation.Status.ToString().ToUpperInvariant(),
        generation.ProductExternalId,
        generation.ProductDescription,
        generation.GenerationTimeMs,
        generation.CreatedAt,
        generation.UpdatedAt,
        generation is { Status: GenerationStatus.Completed, ResultBlobKey: { } blobKey } ? links.Create(request, blobKey).Url : null,
        generation.ErrorCode);
}

/// <summary>Settings of the try-on endpoints (configuration section <c>TryOn</c>).</summary>
internal sealed class TryOnOptions
{
    public const string SectionName = "TryOn";

    /// <summary>How long <c>/try-on/sync</c> holds the request before answering 202.</summary>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromSeconds(90);
}

/// <summary>API.md §3.4, plus progress, queue position, product id and generation time.</summary>
internal sealed record GenerationResponse(
    string GenerationId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResultImageUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    double Progress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition,
    string ProductExternalId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? GenerationTimeMs)
{
    public static GenerationResponse From(GenerationView generation, HttpRequest request, FileLinks links) => new(
        generation.GenerationId,
        generation.Status.ToString().ToUpperInvariant(),
        generation is { Status: GenerationStatus.Completed, ResultBlobKey: { } blobKey } ? links.Create(request, blobKey).Url : null,
        generation.ErrorCode,
        generation.ErrorMessage,
        generation.CreatedAt,
        generation.UpdatedAt,
        generation.Progress,
        generation.QueuePosition,
        generation.ProductExternalId,
        generation.GenerationTimeMs);
}
