using System.Security.Claims;
using TryOn.Api.Accounts;
using TryOn.Api.Authentication;
using TryOn.Api.Errors;
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
using TryOn.Grains.People;
using TryOn.Grains.Products;
using TryOn.Pipeline.Fetching;

namespace TryOn.Api.TryOn;

/// <summary>
/// Admission of a try-on request, shared by <c>/try-on</c> and <c>/try-on/sync</c>: read and check it (everything free
/// of side effects first), store the shopper photo and check the person in it, reserve the credit, take the generation's snapshot and start it;
/// the credit is given back on every way out but an accepted generation.
/// </summary>
internal sealed class TryOnAdmission(
    IGrainFactory grains,
    ProductImageIntake intake,
    ShopperImages shopperImages,
    SafeImageFetcher fetcher,
    EngineRegistry engines,
    GenerationSnapshots snapshots,
    ILogger<TryOnAdmission> logger,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    /// <summary>The accepted generation (PENDING), or the error to answer; no credit is held after an error.</summary>
    public async Task<(TryOnStartedResponse? Started, ApiError? Error)> AcceptAsync(HttpRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (body, form, bodyError) = await RequestBody.ReadAsync(request, maxFiles: ProductRequest.MaxImages + 1, cancellationToken);
        if (bodyError is not null)
        {
            return (null, bodyError);
        }

        // The form's place among concurrent uploads is given back once admission is done with its bytes: a
        // synchronous try-on then waits for its result without holding it.
        using (form)
        using (body)
        {
            var tryOn = TryOnRequest.Read(body!.RootElement, out var invalid);
            if (tryOn is null)
            {
                return (null, invalid);
            }

            var accountId = user.GetAccountId();
            var (product, productError) = await ResolveProductAsync(accountId, tryOn.Product, form, cancellationToken);
            if (productError is not null)
            {
                return (null, productError);
            }

            if (engines.Choose(product!).Engine is null)
            {
                return (null, ApiError.Of(
                    ErrorCodes.CategoryNotSupported,
                    $"No engine is installed for the category '{product!.Category}' of product '{product.ExternalId}'. Categories that can be tried on: {string.Join(", ", engines.Categories)}.",
                    new Dictionary<string, object> { ["category"] = product.Category, ["supported"] = engines.Categories }));
            }

            if (KnownMissingClassification(product!) is { } missing)
            {
                return (null, ApiError.Of(
                    ErrorCodes.MissingRequiredClassification,
                    $"No image of product '{product!.ExternalId}' is classified '{missing}', which its engine requires{Instead(product!)}.",
                    new Dictionary<string, string> { ["key"] = missing }));
            }

            StoredImageRecord? uploaded = null;
            if (tryOn.Person.ImageId is { } imageId)
            {
                var lookup = ResourceIds.IsImageId(imageId)
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

                // A stored photo belongs to the end user it was uploaded for: a try-on cannot make it another's, or
                // erasing its owner would leave a result made from their photo under someone else's id.
                if (uploaded!.ExternalUserId is { } owner && tryOn.ExternalUserId is { } named && !string.Equals(owner, named, StringComparison.Ordinal))
                {
                    return (null, ApiError.Validation(
                        "externalUserId",
                        "The image was uploaded for another end user; send the same externalUserId (or none) with a try-on of it."));
                }
            }

            var account = grains.GetGrain<IAccountGrain>(accountId);
            var settings = await account.GetAsync(cancellationToken);
            var keepForDays = tryOn.KeepForDays ?? settings?.RetentionDays ?? AccountDefaults.RetentionDays;

            // Results count against the storage quota but are never refused, so they can fill it; while it is full, a
            // try-on (whose result would add more) is refused before anything is stored or held.
            if (settings is { } current && current.StoredBytes >= current.Limits.StorageBytes)
            {
                return (null, StorageQuota.Refusal(new StorageCheck(false, current.StoredBytes, current.Limits.StorageBytes, 0)));
            }

            // The account's logo is stamped unless the call says output.watermark: false.
            var watermark = tryOn.Watermark == false ? null : settings?.LogoBlobKey;
            if (uploaded is null)
            {
                // The shopper photo is stored before any credit is held: a slow or failing URL never holds one.
                var (stored, shopperError) = await StoreShopperAsync(accountId, tryOn, form, keepForDays, cancellationToken);
                if (shopperError is not null)
                {
                    return (null, shopperError);
                }

                uploaded = stored;
            }

            // A photo the engines cannot dress is refused while nothing is held: the shopper can be asked for another.
            if (PersonRequirements.ProblemOf(uploaded!.Person, uploaded.Height) is { } problem)
            {
                return (null, ApiError.Of(problem.Code, problem.Message, problem.Details));
            }

            // ... and so is a pose the product's engine cannot dress (turned to the side, arms crossed for a top).
            if (uploaded.Person is { } person && engines.Choose(product!).Engine?.ProblemWith(person, uploaded.Width, uploaded.Height, product!) is { } poseProblem)
            {
                return (null, ApiError.Of(poseProblem.Code, poseProblem.Message, poseProblem.Details));
            }

            var generationId = "gen_" + Ulid.NewUlid(clock).ToLowerInvariant();
            CreditReservation reservation;
            using (GenerationTracing.Stage(GenerationTracing.ReserveCredit))
            {
                reservation = await account.ReserveCreditAsync(generationId, CancellationToken.None);
            }

            if (!reservation.Holds)
            {
                return (null, ReservationError(reservation));
            }

            var shopper = new ShopperImage(
                uploaded!.BlobKey, uploaded.ImageId, tryOn.ExternalUserId ?? uploaded.ExternalUserId, uploaded.Person,
                uploaded.Person is { Found: true } ? ImageBlobs.MaskKey(accountId, uploaded.ImageId) : null);
            var (snapshot, copies) = await snapshots.TakeAsync(generationId, product!, engines);
            try
            {
                await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, product!.ExternalId)).RecordUseAsync(CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Bookkeeping, never a reason to refuse. Recorded before the generation starts: a product write racing
                // the generation's first write costs that write a 150 ms busy retry in Microsoft.Data.Sqlite.
                TryOnLog.ProductUseNotRecorded(logger, exception, product!.ExternalId);
            }

            var start = await StartHoldingCreditAsync(
                account, generationId, new GenerationRequest(accountId, snapshot, shopper, keepForDays, watermark), copies);
            if (start != GenerationStartStatus.Accepted)
            {
                return (null, ApiError.Of(
                    ErrorCodes.QuotaExceeded,
                    "The service is at capacity and cannot queue more generations right now. Retry shortly.",
                    new Dictionary<string, string> { ["quota"] = "queue", ["reason"] = "queue_full" }));
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
    private async Task<GenerationStartStatus> StartHoldingCreditAsync(
        IAccountGrain account, string generationId, GenerationRequest request, IReadOnlyList<string> copies)
    {
        var generation = grains.GetGrain<IGenerationGrain>(generationId);
        GenerationStartStatus status;
        try
        {
            using var stage = GenerationTracing.Stage(GenerationTracing.StartGeneration);
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
    /// <summary>
    /// The product the generation uses: a reference must exist; an inline product is created or updated (15 days from
    /// last use); without an external id a one-shot product is made (<c>_anon_…</c>, 7 days from last use).
    /// </summary>
    private async Task<(ProductSnapshot? Product, ApiError? Error)> ResolveProductAsync(
        string accountId, ProductRequest request, MultipartForm? form, CancellationToken cancellationToken)
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

    /// <summary>The classifications the product's engine would take instead of the missing one, as words, or nothing.</summary>
    private string Instead(ProductSnapshot product) =>
        engines.Choose(product).Engine is { AlternativeClassifications: { Count: > 0 } alternatives }
            ? $" (or {string.Join(" or ", alternatives.Select(key => $"'{key}'"))} instead)"
            : "";

    /// <summary>The classification the product's engine needs, when every image's answer for it is already known and none has it.</summary>
    private string? KnownMissingClassification(ProductSnapshot product)
    {
        var choice = engines.Choose(product);
        return choice.MissingClassification is { } key && product.Images.All(image => image.Classifications.ContainsKey(key)) ? key : null;
    }

    private async Task<(StoredImageRecord? Image, ApiError? Error)> StoreShopperAsync(
        string accountId, TryOnRequest tryOn, MultipartForm? form, int keepForDays, CancellationToken cancellationToken)
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

        return await shopperImages.StoreAsync(accountId, bytes, cropToPortrait: true, tryOn.ExternalUserId, keepForDays, cancellationToken);
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
            new Dictionary<string, object>
            {
                ["quota"] = "maxInFlightGenerations",
                ["inFlight"] = reservation.InFlight,
                ["maxInFlightGenerations"] = reservation.MaxInFlight,
            }),
        CreditReservationStatus.MonthlyCapReached => ApiError.Of(
            ErrorCodes.QuotaExceeded,
            $"The account used its {reservation.MonthlyCap} generations for this month. The cap resets at the start of next month (UTC).",
            new Dictionary<string, object>
            {
                ["quota"] = "monthlyGenerations",
                ["used"] = reservation.UsedThisMonth,
                ["monthlyGenerations"] = reservation.MonthlyCap,
                ["resetsAt"] = reservation.MonthEndsAt,
            }),
        CreditReservationStatus.AccountInactive => ApiError.Of(ErrorCodes.InvalidApiKey),
        _ => ApiError.Of(ErrorCodes.AccountNotFound),
    };
}
