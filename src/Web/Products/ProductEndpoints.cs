using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Products;
using TryOn.Storage.Blobs;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Idempotency;
using TryOn.Web.Multipart;
using TryOn.Web.Paging;

namespace TryOn.Web.Products;

/// <summary>The catalogue (docs/products.md): upsert, list, get and delete an account's products.</summary>
internal static class ProductEndpoints
{
    public static RouteGroupBuilder MapProductEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/products").WithTags("Products");
        group.MapPost("/", UpsertAsync)
            .DisableAntiforgery()
            .AcceptsIdempotencyKey()
            .AcceptsJsonOrMultipart<ProductBody>(
                """{ "externalId": "shirt-1", "title": "Denim shirt", "category": "tops", "images": [{ "source": { "url": "https://cdn.example.com/denim-shirt.jpg" }, "classifications": { "flat_lay": true } }] }""")
            .WithName("UpsertProduct")
            .WithSummary("Create or update a product")
            .WithDescription("Create or update a product (JSON, or multipart with a 'data' field and image parts named by fileKey).")
            .ProducesErrors(
                ErrorCodes.ExternalIdRequired, ErrorCodes.ProductImagesRequired, ErrorCodes.InvalidImageInput, ErrorCodes.ReservedExternalId,
                ErrorCodes.ProductImageFetchFailed, ErrorCodes.QuotaExceeded);
        group.MapGet("/", ListAsync)
            .WithName("ListProducts").WithSummary("List products").WithDescription("The account's products, newest first (paged; one-shots are not listed).").ProducesErrors(ErrorCodes.ValidationFailed);
        group.MapGet("/{externalId}", GetAsync)
            .WithName("GetProduct").WithSummary("Get a product").WithDescription("One product, one-shot ids included.").ProducesErrors(ErrorCodes.ProductNotFound);
        group.MapGet("/{externalId}/stats", StatsAsync)
            .WithName("GetProductStats").WithSummary("Get product stats").WithDescription("Generations of the product in a window: counts and average time of completed ones.").ProducesErrors(ErrorCodes.ValidationFailed, ErrorCodes.ProductNotFound);
        group.MapDelete("/{externalId}", DeleteAsync)
            .WithName("DeleteProduct").WithSummary("Delete a product").WithDescription("Delete a product and its stored images; past generations keep their snapshot.").ProducesErrors(ErrorCodes.ProductNotFound);
        return group;
    }

    internal static async Task<Results<Ok<ProductResponse>, ApiErrorResult>> UpsertAsync(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, ProductImageIntake intake, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var (body, form, bodyError) = await RequestBody.ReadAsync(request, maxFiles: ProductRequest.MaxImages, cancellationToken);
        if (bodyError is not null)
        {
            return new ApiErrorResult(bodyError);
        }

        using (body)
        {
            var product = ProductRequest.Read(body!.RootElement, "", requireExternalId: true, allowAnonymousReference: false, out var invalid);
            if (product is null)
            {
                return new ApiErrorResult(invalid!);
            }

            var accountId = user.GetAccountId();
            var (images, imageError) = await intake.AcceptAsync(accountId, product.Images, form?.Files, "", cancellationToken);
            if (imageError is not null)
            {
                return new ApiErrorResult(imageError);
            }

            var upsert = new ProductUpsert(
                ProductKind.Catalog, product.Title, product.Description, images, product.MetadataJson, product.MetadataGiven,
                product.ValidForDays, product.ValidForDaysGiven, product.Category);
            var uploads = images?.Select(image => image.StoredBlobKey).OfType<string>().ToList() ?? [];
            var result = await blobs.RecordOrDeleteAsync(
                uploads,
                () => grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, product.ExternalId!)).UpsertAsync(upsert, CancellationToken.None),
                recorded: upserted => upserted.Product is not null);
            if (result.Product is not { } stored)
            {
                return new ApiErrorResult(ApiError.Of(ErrorCodes.ProductImagesRequired, $"Product '{product.ExternalId}' needs at least one image."));
            }

            return TypedResults.Ok(ProductResponse.From(stored));
        }
    }

    internal static async Task<Results<Ok<ListResponse<ProductResponse>>, ApiErrorResult>> ListAsync(
        string? limit,
        string? cursor,
        ClaimsPrincipal user,
        IProductReadModel products,
        [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!ListQuery.TryParse(limit, cursor, out var page, out var error))
        {
            return new ApiErrorResult(error!);
        }

        var result = await products.ListAsync(user.GetAccountId(), page, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(result.ToResponse(ProductResponse.From));
    }

    internal static async Task<Results<Ok<ProductResponse>, ApiErrorResult>> GetAsync(
        string externalId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var product = ProductKeys.IsValidExternalId(externalId)
            ? await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(user.GetAccountId(), externalId)).GetAsync(cancellationToken)
            : null;
        return product is null ? NotFound(externalId) : TypedResults.Ok(ProductResponse.From(product));
    }

    internal static async Task<Results<Ok<ProductStatsResponse>, ApiErrorResult>> StatsAsync(
        string externalId, string? from, string? to, ClaimsPrincipal user, IGrainFactory grains, IGenerationReadModel generations, CancellationToken cancellationToken)
    {
        var issues = new List<ValidationIssue>();
        var start = ParseInstant(from, "from", issues);
        var end = ParseInstant(to, "to", issues);
        if (end is { } day && to is { Length: 10 })
        {
            // A date alone in 'to' means the whole of that day: the window is inclusive (to the end of time for its last day).
            end = day > DateTimeOffset.MaxValue.AddDays(-1) ? DateTimeOffset.MaxValue : day.AddDays(1).AddTicks(-1);
        }
        if (start > end)
        {
            issues.Add(new ValidationIssue("from", "Must not be after 'to'."));
        }

        if (issues.Count > 0)
        {
            return new ApiErrorResult(ApiError.QueryValidation([.. issues]));
        }

        var accountId = user.GetAccountId();
        var product = ProductKeys.IsValidExternalId(externalId)
            ? await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId)).GetAsync(cancellationToken)
            : null;
        if (product is null)
        {
            return NotFound(externalId);
        }

        var stats = await generations.StatsAsync(accountId, externalId, start, end, cancellationToken);
        return TypedResults.Ok(new ProductStatsResponse(stats.Total, stats.Completed, stats.Failed, stats.AverageGenerationTimeMs));
    }

    private static DateTimeOffset? ParseInstant(string? value, string name, List<ValidationIssue> issues)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }

        issues.Add(new ValidationIssue(name, "Expected an ISO 8601 date or time."));
        return null;
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> DeleteAsync(
        string externalId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken) =>
        await DeleteProductAsync(grains, user.GetAccountId(), externalId, cancellationToken) ? TypedResults.NoContent() : NotFound(externalId);

    /// <summary>
    /// Deletes one of <paramref name="accountId"/>'s products and its stored images (past generations keep their
    /// snapshot); false when it has none of that id. The API's <c>DELETE</c> and the dashboard's delete button.
    /// </summary>
    internal static async Task<bool> DeleteProductAsync(IGrainFactory grains, string accountId, string externalId, CancellationToken cancellationToken) =>
        ProductKeys.IsValidExternalId(externalId)
        && await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId)).DeleteAsync(cancellationToken);

    private static ApiErrorResult NotFound(string externalId) =>
        new(ApiError.Of(ErrorCodes.ProductNotFound, $"Product '{externalId}' not found."));
}
