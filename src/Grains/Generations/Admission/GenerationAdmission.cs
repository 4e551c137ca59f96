using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Images;
using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Generations.Admission;

/// <summary>
/// Everything a try-on needs before its generation is stored, run in the generation's own grain (docs/generations.md):
/// resolve the product (a reference, or an inline product created or updated), choose its engine (here only: the
/// choice is recorded in the request and the attempt runs that engine), check the shopper photo (its owner, end user
/// and person, the pose the engine can dress), resolve retention and watermark from the account, reserve the credit,
/// keep the generation's own copy of an uploaded product image, and record the product's use. Checks free of side
/// effects come first; every refusal holds no credit, and a new photo or product upload handed over with the request
/// is recorded or removed, never left behind.
/// </summary>
internal sealed partial class GenerationAdmission(
    IGrainFactory grains,
    EngineRegistry engines,
    IBlobStore blobs,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<GenerationAdmission> logger)
{
    /// <summary>
    /// How long an admission waits for the product to note its use: a product grain on a silo that just died would hold
    /// the try-on until the cluster notices or Orleans' 30 s response timeout, for bookkeeping that can be missed.
    /// </summary>
    private static readonly TimeSpan ProductUseDeadline = TimeSpan.FromSeconds(2);

    /// <summary>The request to store, with the credit reserved for <paramref name="generationId"/>; or why not, with nothing held.</summary>
    public async Task<(AdmittedGeneration? Admitted, AdmissionRefusal? Refusal)> PrepareAsync(string generationId, AdmissionRequest admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        var shopperRecorded = new StrongBox<bool>();
        try
        {
            return await PrepareCoreAsync(generationId, admission, shopperRecorded);
        }
        finally
        {
            if (!shopperRecorded.Value)
            {
                // A photo stored for this request that no record points to: nothing could ever find it again.
                await DiscardAsync(admission.Shopper.Upload);
            }
        }
    }

    /// <summary>Removes what the gateway stored for a try-on that is refused before admission looks at it.</summary>
    public async Task DiscardAsync(AdmissionRequest admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        await DiscardAsync(admission.Shopper.Upload);
        await blobs.DeleteAllAsync(admission.Product.Upsert?.Images?.Select(image => image.StoredBlobKey).OfType<string>() ?? []);
    }

    /// <summary>Gives back what <see cref="PrepareAsync"/> took when the generation could not be stored after all.</summary>
    public async Task UndoAsync(string generationId, AdmittedGeneration admitted)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        await grains.GetGrain<IAccountGrain>(admitted.Request.AccountId).ReleaseAdmissionCreditAsync(generationId, CancellationToken.None);
        await blobs.DeleteAllAsync(admitted.ProductCopies);
    }

    private async Task<(AdmittedGeneration?, AdmissionRefusal?)> PrepareCoreAsync(string generationId, AdmissionRequest admission, StrongBox<bool> shopperRecorded)
    {
        var accountId = admission.AccountId;
        var (product, productRefusal) = await ResolveProductAsync(accountId, admission.Product);
        if (productRefusal is not null)
        {
            return (null, productRefusal);
        }

        var choice = engines.Choose(product!);
        if (choice.Engine is not { } engine)
        {
            var supported = engines.Categories.ToArray();
            return (null, new AdmissionRefusal(
                ErrorCodes.CategoryNotSupported,
                $"No engine is installed for the category '{product!.Category}' of product '{product.ExternalId}'. Categories that can be tried on: {string.Join(", ", supported)}.",
                new Dictionary<string, object> { ["category"] = product.Category, ["supported"] = supported }));
        }

        // A classification the engine needs that every image has already answered "no" to: no attempt could run.
        if (choice.MissingClassification is { } missing && product!.Images.All(image => image.Classifications.ContainsKey(missing)))
        {
            var instead = engine.AlternativeClassifications.Count > 0
                ? $" (or {string.Join(" or ", engine.AlternativeClassifications.Select(key => $"'{key}'"))} instead)"
                : "";
            return (null, new AdmissionRefusal(
                ErrorCodes.MissingRequiredClassification,
                $"No image of product '{product.ExternalId}' is classified '{missing}', which its engine requires{instead}.",
                new Dictionary<string, object> { ["key"] = missing }));
        }

        var (photo, photoRefusal) = await FindShopperPhotoAsync(admission);
        if (photoRefusal is not null)
        {
            return (null, photoRefusal);
        }

        var account = grains.GetGrain<IAccountGrain>(accountId);
        var settings = await account.GetAsync(CancellationToken.None);
        var keepForDays = admission.KeepForDays ?? settings?.RetentionDays ?? AccountDefaults.RetentionDays;

        // Results count against the storage quota but are never refused, so they can fill it; while it is full, a
        // try-on (whose result would add more) is refused before anything is held.
        if (settings is { } current && current.StoredBytes >= current.Limits.StorageBytes)
        {
            var check = new StorageCheck(false, current.StoredBytes, current.Limits.StorageBytes, 0);
            return (null, new AdmissionRefusal(StorageRefusal.Code, StorageRefusal.Message(check), StorageRefusal.Details(check)));
        }

        if (admission.Shopper.Upload is { } upload)
        {
            // The new photo is recorded (and so kept, and found by retention and erasure) with the try-on's retention.
            photo = upload.Image with { ExpiresAt = upload.Image.CreatedAt.AddDays(keepForDays) };
            await grains.GetGrain<IImageGrain>(photo.ImageId).RecordAsync(photo, CancellationToken.None);
            shopperRecorded.Value = true;
        }

        // A photo the engines cannot dress is refused while nothing is held: the shopper can be asked for another;
        // and so is a pose the product's engine cannot dress (turned to the side, arms crossed for a top).
        var personProblem = PersonRequirements.ProblemOf(photo!.Person, photo.Height)
            ?? (photo.Person is { } person ? engine.ProblemWith(person, photo.Width, photo.Height, product!) : null);
        if (personProblem is not null)
        {
            return (null, new AdmissionRefusal(personProblem.Code, personProblem.Message, new Dictionary<string, object>(personProblem.Details)));
        }

        CreditReservation reservation;
        using (GenerationTracing.Stage(GenerationTracing.ReserveCredit))
        {
            reservation = await account.ReserveCreditAsync(generationId, CancellationToken.None);
        }

        if (!reservation.Holds)
        {
            return (null, ReservationRefusal(reservation));
        }

        var shopper = new ShopperImage(
            photo.BlobKey, photo.ImageId, admission.ExternalUserId ?? photo.ExternalUserId, photo.Person,
            photo.Person is { Found: true } ? ImageBlobs.MaskKey(accountId, photo.ImageId) : null);
        IReadOnlyList<string> copies = [];
        try
        {
            (product, copies) = await KeepProductImageAsync(generationId, product!, choice.Image);
        }
        catch
        {
            await account.ReleaseAdmissionCreditAsync(generationId, CancellationToken.None);
            throw;
        }

        await RecordProductUseAsync(accountId, product.ExternalId);
        var watermark = admission.Watermark ? settings?.LogoBlobKey : null;
        var request = new GenerationRequest(accountId, product, shopper, keepForDays, watermark, engine.Name);
        return (new AdmittedGeneration(request, copies), null);
    }

    /// <summary>
    /// The product the generation uses: a reference must exist; an inline product is created or updated (15 days from
    /// last use); without an external id a one-shot product is made (<c>_anon_…</c>, 7 days from last use).
    /// </summary>
    private async Task<(ProductSnapshot?, AdmissionRefusal?)> ResolveProductAsync(string accountId, AdmittedProduct requested)
    {
        if (requested.Upsert is not { } upsert)
        {
            var existing = ProductKeys.IsValidExternalId(requested.ExternalId)
                ? await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, requested.ExternalId!)).GetAsync(CancellationToken.None)
                : null;
            return existing is null
                ? (null, new AdmissionRefusal(ErrorCodes.ProductNotFound, $"Product '{requested.ExternalId}' not found."))
                : (existing, null);
        }

        var externalId = requested.ExternalId ?? ProductKeys.AnonymousPrefix + Ulid.NewUlid(clock).ToLowerInvariant();
        var uploads = upsert.Images?.Select(image => image.StoredBlobKey).OfType<string>().ToList() ?? [];
        var result = await blobs.RecordOrDeleteAsync(
            uploads,
            () => grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId))
                .UpsertAsync(upsert with { Kind = requested.ExternalId is null ? ProductKind.OneShot : ProductKind.Inline }, CancellationToken.None),
            recorded: upserted => upserted.Product is not null);
        if (result.Product is null)
        {
            return (null, new AdmissionRefusal(ErrorCodes.ProductImagesRequired, "A new product needs at least one image."));
        }

        return (result.Product, null);
    }

    /// <summary>The stored photo the try-on names, when it is this account's and may be used for this end user; an upload is checked later.</summary>
    private async Task<(StoredImageRecord?, AdmissionRefusal?)> FindShopperPhotoAsync(AdmissionRequest admission)
    {
        if (admission.Shopper.ImageId is not { } imageId)
        {
            return (null, null);
        }

        var lookup = ResourceIds.IsImageId(imageId)
            ? await grains.GetGrain<IImageGrain>(imageId).FindAsync(admission.AccountId, CancellationToken.None)
            : new ImageLookup(ImageLookupStatus.NotFound, null);
        switch (lookup.Status)
        {
            case ImageLookupStatus.NotFound:
                return (null, new AdmissionRefusal(ErrorCodes.ImageNotFound, $"Image '{imageId}' not found or its retention has ended."));
            case ImageLookupStatus.OtherAccount:
                return (null, new AdmissionRefusal(ErrorCodes.Forbidden, $"Image '{imageId}' belongs to another account."));
        }

        // A stored photo belongs to the end user it was uploaded for: a try-on cannot make it another's, or erasing
        // its owner would leave a result made from their photo under someone else's id.
        if (lookup.Image!.ExternalUserId is { } owner && admission.ExternalUserId is { } named && !string.Equals(owner, named, StringComparison.Ordinal))
        {
            return (null, AdmissionRefusal.Invalid(
                "externalUserId",
                "The image was uploaded for another end user; send the same externalUserId (or none) with a try-on of it."));
        }

        return (lookup.Image, null);
    }

    /// <summary>
    /// A generation keeps its own copy of the uploaded product image its engine will use, so replacing or deleting the
    /// product (or its expiry) while the generation waits cannot take the bytes away from it. URL images need no copy:
    /// a generation whose cached copy is gone fetches the URL again.
    /// </summary>
    private async Task<(ProductSnapshot, IReadOnlyList<string>)> KeepProductImageAsync(string generationId, ProductSnapshot product, ProductImage? chosen)
    {
        if (chosen is not { StoredBlobKey: { } source } image)
        {
            return (product, []);
        }

        var copy = GenerationBlobs.ProductCopy(product.AccountId, generationId, Path.GetExtension(source));
        if (!await blobs.CopyAsync(source, copy, CancellationToken.None))
        {
            return (product, []);
        }

        var index = product.Images.IndexOf(image);
        return (product with { Images = product.Images.SetItem(index, image with { StoredBlobKey = copy }) }, [copy]);
    }

    /// <summary>
    /// Bookkeeping (the product's expiry counts from its last use), never a reason to refuse nor to wait longer than
    /// <see cref="ProductUseDeadline"/> (the call carries on unwatched). Recorded before the
    /// generation is stored: a product write racing the generation's first write costs that write a 150 ms busy retry
    /// in Microsoft.Data.Sqlite.
    /// </summary>
    private async Task RecordProductUseAsync(string accountId, string externalId)
    {
        try
        {
            await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId)).RecordUseAsync(CancellationToken.None).WaitAsync(ProductUseDeadline);
        }
        catch (Exception exception)
        {
            LogProductUseNotRecorded(logger, exception, externalId);
        }
    }

    private async Task DiscardAsync(ShopperUpload? upload)
    {
        if (upload is not null)
        {
            await blobs.DeleteAllAsync([upload.Image.BlobKey, .. upload.MaskBlobKey is { } mask ? [mask] : Array.Empty<string>()]);
        }
    }

    private static AdmissionRefusal ReservationRefusal(CreditReservation reservation) => reservation.Status switch
    {
        CreditReservationStatus.InsufficientCredits => new AdmissionRefusal(
            ErrorCodes.InsufficientCredits,
            "The account has no credits left. Top up and retry.",
            new Dictionary<string, object> { ["creditBalance"] = reservation.CreditBalance, ["required"] = 1L }),
        CreditReservationStatus.QuotaExceeded => new AdmissionRefusal(
            ErrorCodes.QuotaExceeded,
            $"The account already has {reservation.InFlight} generations in flight, its limit. Retry when one finishes.",
            new Dictionary<string, object>
            {
                ["quota"] = "maxInFlightGenerations",
                ["inFlight"] = reservation.InFlight,
                ["maxInFlightGenerations"] = reservation.MaxInFlight,
            }),
        CreditReservationStatus.MonthlyCapReached => new AdmissionRefusal(
            ErrorCodes.QuotaExceeded,
            $"The account used its {reservation.MonthlyCap} generations for this month. The cap resets at the start of next month (UTC).",
            new Dictionary<string, object>
            {
                ["quota"] = "monthlyGenerations",
                ["used"] = reservation.UsedThisMonth,
                ["monthlyGenerations"] = reservation.MonthlyCap,
                ["resetsAt"] = reservation.MonthEndsAt,
            }),
        CreditReservationStatus.AccountInactive => new AdmissionRefusal(ErrorCodes.InvalidApiKey, null),
        _ => new AdmissionRefusal(ErrorCodes.AccountNotFound, null),
    };

    [LoggerMessage(1, LogLevel.Warning, "The use of product {ExternalId} by a try-on was not recorded")]
    private static partial void LogProductUseNotRecorded(ILogger logger, Exception exception, string externalId);
}

/// <summary>What admission prepared: the request to store, and the product copies to remove if it cannot be stored.</summary>
internal sealed record AdmittedGeneration(GenerationRequest Request, IReadOnlyList<string> ProductCopies);
