using System.Diagnostics;
using System.Security.Claims;
using TryOn.Contracts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Products;
using TryOn.Contracts.Telemetry;
using TryOn.Pipeline.Fetching;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Idempotency;
using TryOn.Web.Images;
using TryOn.Web.Multipart;
using TryOn.Web.Products;

namespace TryOn.Web.TryOn;

/// <summary>
/// The gateway's part of a try-on, shared by <c>/try-on</c> and <c>/try-on/sync</c>: read and check the request, take in
/// its images (an inline product's uploads, the shopper photo from a URL or a multipart part, checked, normalised and
/// stored), then one call, <see cref="IGenerationGrain.AdmitAsync"/>, which decides the rest (docs/generations.md).
/// </summary>
internal sealed class TryOnIntake(
    IGrainFactory grains,
    ProductImageIntake productImages,
    ShopperImages shopperImages,
    SafeImageFetcher fetcher,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    /// <summary>
    /// How long the gateway waits for an admission before it asks whether the generation exists: well above an
    /// admission's usual time (a median of 185 to 326 ms under the silo-loss test's load; docs/PERFORMANCE.md), well
    /// below Orleans' 30 s.
    /// </summary>
    private static readonly TimeSpan AdmissionPatience = TimeSpan.FromSeconds(3);

    /// <summary>How long that question may take; with <see cref="AdmissionPatience"/>, a try-on answers within 5 s of a silo's death.</summary>
    private static readonly TimeSpan QuestionPatience = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The codes a try-on can be refused with, beside reading its body (<see cref="RequestBodyConventions"/>): its own
    /// rules, its images, and the admission (<see cref="IGenerationGrain.AdmitAsync"/>).
    /// </summary>
    public static readonly string[] Refusals =
    [
        ErrorCodes.CustomerImageRequired, ErrorCodes.InvalidImageInput, ErrorCodes.CustomerImageFetchFailed, ErrorCodes.ExternalIdRequired,
        ErrorCodes.ProductImagesRequired, ErrorCodes.ReservedExternalId, ErrorCodes.ProductImageFetchFailed, ErrorCodes.InsufficientCredits,
        ErrorCodes.QuotaExceeded, ErrorCodes.Forbidden, ErrorCodes.ProductNotFound, ErrorCodes.ImageNotFound, ErrorCodes.PersonNotFound,
        ErrorCodes.PersonTooSmall, ErrorCodes.CategoryNotSupported, ErrorCodes.MissingRequiredClassification,
    ];

    /// <summary>The accepted generation (PENDING), or the error to answer; no credit is held after an error.</summary>
    public async Task<(TryOnStartedResponse? Started, ApiError? Error)> AcceptAsync(HttpRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (body, form, bodyError) = await RequestBody.ReadAsync(request, maxFiles: ProductRequest.MaxImages + 1, cancellationToken);
        if (bodyError is not null)
        {
            return (null, bodyError);
        }

        // The form's place among concurrent uploads is given back once intake is done with its bytes: a synchronous
        // try-on then waits for its result without holding it.
        using (form)
        using (body)
        {
            var tryOn = TryOnRequest.Read(body!.RootElement, out var invalid);
            if (tryOn is null)
            {
                return (null, invalid);
            }

            return await AcceptAsync(user.GetAccountId(), tryOn, form?.Files, request.HttpContext.Features.Get<IdempotentRequest>(), cancellationToken);
        }
    }

    /// <summary>
    /// A try-on already read and checked, with the files its sources name: the API's path after its body, and the
    /// dashboard's playground, which builds the same request from its own form. With an Idempotency-Key
    /// (<paramref name="idempotent"/>), every retry of the request admits under the same id.
    /// </summary>
    public async Task<(TryOnStartedResponse? Started, ApiError? Error)> AcceptAsync(
        string accountId, TryOnRequest tryOn, IReadOnlyDictionary<string, FilePart>? files, IdempotentRequest? idempotent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tryOn);
        var (product, productError) = await TakeProductAsync(accountId, tryOn.Product, files, cancellationToken);
        if (productError is not null)
        {
            return (null, productError);
        }

        var (shopper, shopperError) = await TakeShopperAsync(accountId, tryOn, files, cancellationToken);
        if (shopperError is not null)
        {
            await productImages.DiscardAsync(product!.Upsert?.Images?.Select(image => image.StoredBlobKey).OfType<string>() ?? []);
            return (null, shopperError);
        }

        // A retry that follows a lost answer finds the generation the first attempt stored instead of starting (and
        // charging) a second one.
        var generationId = "gen_" + (idempotent?.Reference ?? Ulid.NewUlid(clock).ToLowerInvariant());
        var admission = new AdmissionRequest(accountId, product!, shopper!, tryOn.ExternalUserId, tryOn.Watermark != false, tryOn.KeepForDays);
        var result = await AdmitAsync(grains.GetGrain<IGenerationGrain>(generationId), admission, idempotent);
        if (result.IsClosed)
        {
            // An earlier attempt of this request gave the id up (its admission failed, its credit went back).
            generationId = "gen_" + Ulid.NewUlid(clock).ToLowerInvariant();
            result = await AdmitAsync(grains.GetGrain<IGenerationGrain>(generationId), admission, idempotent);
        }

        return result.Refusal is { } refusal
            ? (null, refusal.InvalidPath is { } path ? ApiError.Validation(path, refusal.Message!) : ApiError.Of(refusal.Code, refusal.Message, refusal.Details))
            : (new TryOnStartedResponse(generationId, "PENDING", result.Generation!.ProductExternalId), null);
    }

    /// <summary>
    /// Admits the try-on. When the call fails without an answer, or gives none within <see cref="AdmissionPatience"/>
    /// (a call sent through a silo that then died is never answered: the client does not fail it before Orleans' 30 s
    /// response timeout), the generation may or may not exist, so it is asked (<see
    /// cref="IGenerationGrain.AdmitAsync"/> and the question run one after the other in its grain): one that exists
    /// after a late answer is the merchant's accepted try-on; one that does not is closed, and a credit reserved for it
    /// given back, so a late admission can never take a credit that was given back. A question that cannot be answered
    /// within <see cref="QuestionPatience"/> answers 503 (the loss recovery reconciles the credit once the cluster
    /// declares the silo dead).
    /// </summary>
    private static async Task<AdmissionResult> AdmitAsync(IGenerationGrain generation, AdmissionRequest admission, IdempotentRequest? idempotent)
    {
        var admitting = generation.AdmitAsync(admission, CancellationToken.None);
        try
        {
            using var stage = GenerationTracing.Stage(GenerationTracing.StartGeneration);
            return await admitting.WaitAsync(AdmissionPatience);
        }
        catch (Exception failure)
        {
            bool exists;
            try
            {
                exists = await generation.AbandonIfNotStartedAsync(admission.AccountId, CancellationToken.None).WaitAsync(QuestionPatience);
            }
            catch (Exception questionFailed) when (ClusterFailures.IsUnreachable(questionFailed))
            {
                // The grain is unreachable too (its silo died): once the cluster declares the silo dead, its loss
                // recovery reconciles the reservation (docs/generations.md). The answer is about the admission.
                throw new TimeoutException("The generation's admission did not answer in time.", failure);
            }

            if (!exists && idempotent is not null)
            {
                // Nothing was stored under the id, and it is closed now: a retry starts afresh.
                idempotent.NothingCreated = true;
            }

            if (exists && failure is TimeoutException)
            {
                // Admitted, its answer late or lost: the merchant's try-on, as its grain has it now.
                var lookup = await generation.FindAsync(admission.AccountId, CancellationToken.None).WithinReadDeadline(CancellationToken.None);
                return AdmissionResult.Accepted(lookup.Generation!);
            }

            throw;
        }
    }

    /// <summary>A reference as it is; an inline product's uploaded images checked, normalised and stored for its upsert.</summary>
    private async Task<(AdmittedProduct? Product, ApiError? Error)> TakeProductAsync(
        string accountId, ProductRequest request, IReadOnlyDictionary<string, FilePart>? files, CancellationToken cancellationToken)
    {
        if (request.IsReference)
        {
            return (new AdmittedProduct(request.ExternalId), null);
        }

        var (images, imageError) = await productImages.AcceptAsync(accountId, request.Images, files, "products.0.", cancellationToken);
        if (imageError is not null)
        {
            return (null, imageError);
        }

        var kind = request.ExternalId is null ? ProductKind.OneShot : ProductKind.Inline;
        return (new AdmittedProduct(request.ExternalId, new ProductUpsert(
            kind, request.Title, request.Description, images, request.MetadataJson, request.MetadataGiven,
            request.ValidForDays, request.ValidForDaysGiven, request.Category)), null);
    }

    /// <summary>An uploaded image by its id (admission checks it), or the photo from a URL or a part, stored for admission to record.</summary>
    private async Task<(AdmittedShopper? Shopper, ApiError? Error)> TakeShopperAsync(
        string accountId, TryOnRequest tryOn, IReadOnlyDictionary<string, FilePart>? files, CancellationToken cancellationToken)
    {
        if (tryOn.Person.ImageId is { } imageId)
        {
            return (new AdmittedShopper(imageId), null);
        }

        byte[] bytes;
        if (tryOn.Person.Url is { } url)
        {
            FetchOutcome fetched;
            using (GenerationTracing.Stage(GenerationTracing.Fetch))
            {
                var started = Stopwatch.GetTimestamp();
                fetched = await fetcher.FetchAsync(url, cancellationToken);
                TryOnMetrics.Fetched(TryOnMetrics.PersonImageFetch, fetched.Failure?.ToString(), Stopwatch.GetElapsedTime(started));
            }

            if (!fetched.Succeeded)
            {
                return (null, ApiError.Of(ErrorCodes.CustomerImageFetchFailed, $"The shopper image URL could not be downloaded: {fetched.Message}"));
            }

            bytes = fetched.Bytes!;
        }
        else if (files is not null && files.TryGetValue(tryOn.Person.FileKey!, out var part))
        {
            bytes = part.Content;
        }
        else
        {
            return (null, ApiError.Of(ErrorCodes.MultipartFileNotFound, $"person.image.source.fileKey names the part '{tryOn.Person.FileKey}', which is not in the request."));
        }

        var (upload, error) = await shopperImages.WriteAsync(accountId, bytes, cropToPortrait: true, tryOn.ExternalUserId, cancellationToken);
        return upload is null ? (null, error) : (new AdmittedShopper(null, upload), null);
    }
}
