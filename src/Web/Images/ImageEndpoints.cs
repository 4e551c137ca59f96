using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Images;
using TryOn.Contracts.People;
using TryOn.Hosting.Files;
using TryOn.Web.Authentication;
using TryOn.Web.Customers;
using TryOn.Web.Errors;
using TryOn.Web.Idempotency;
using TryOn.Web.Multipart;

namespace TryOn.Web.Images;

/// <summary>
/// <c>POST /tryon/v1/images/upload</c> (docs/images.md): store a shopper photo once, reuse it by id; and
/// <c>GET /tryon/v1/images/:imageId</c> (ext): the stored image with a fresh signed link and what was found in it.
/// </summary>
internal static class ImageEndpoints
{
    public static RouteGroupBuilder MapImageEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/images").WithTags("Images");
        group.MapPost("/upload", UploadAsync)
            .DisableAntiforgery()
            .AcceptsIdempotencyKey()
            .AcceptsMultipart<ImageUploadForm>()
            .WithName("UploadImage")
            .WithSummary("Upload a shopper photo")
            .WithDescription("Store a shopper photo (multipart: file, crop, externalUserId, keepForDays): its id, a signed link and the person found in it.")
            .ProducesErrors(ErrorCodes.QuotaExceeded);
        group.MapGet("/{imageId}", GetAsync)
            .WithName("GetImage")
            .WithSummary("Get a shopper photo")
            .WithDescription("A stored shopper photo: a fresh signed link, its size and retention, and the person found in it.")
            .ProducesErrors(ErrorCodes.Forbidden, ErrorCodes.ImageNotFound);
        return group;
    }

    internal static async Task<Results<Ok<ImageResponse>, ApiErrorResult>> UploadAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IGrainFactory grains,
        ShopperImages shopperImages,
        FileLinks links,
        CancellationToken cancellationToken)
    {
        var (form, formError) = await MultipartForm.ReadAsync(request, maxFiles: 1, cancellationToken);
        if (formError is not null)
        {
            return new ApiErrorResult(formError);
        }

        if (!form!.Files.TryGetValue("file", out var file))
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.FileRequired));
        }

        if (!UploadOptions.TryRead(form, out var options, out var invalid))
        {
            return new ApiErrorResult(invalid!);
        }

        var accountId = user.GetAccountId();
        var keepForDays = options.KeepForDays
            ?? (await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken))?.RetentionDays
            ?? AccountDefaults.RetentionDays;
        var (record, error) = await shopperImages.StoreAsync(accountId, file.Content, options.Crop, options.ExternalUserId, keepForDays, cancellationToken);
        return error is not null ? new ApiErrorResult(error) : TypedResults.Ok(ImageResponse.From(record!, links));
    }

    internal static async Task<Results<Ok<ImageResponse>, ApiErrorResult>> GetAsync(
        string imageId, ClaimsPrincipal user, IGrainFactory grains, FileLinks links, CancellationToken cancellationToken)
    {
        var lookup = ResourceIds.IsImageId(imageId)
            ? await grains.GetGrain<IImageGrain>(imageId).FindAsync(user.GetAccountId(), cancellationToken)
            : new ImageLookup(ImageLookupStatus.NotFound, null);
        return lookup.Status switch
        {
            ImageLookupStatus.Found => TypedResults.Ok(ImageResponse.From(lookup.Image!, links)),
            ImageLookupStatus.OtherAccount => new ApiErrorResult(ApiError.Of(ErrorCodes.Forbidden, $"Image '{imageId}' belongs to another account.")),
            _ => new ApiErrorResult(ApiError.Of(ErrorCodes.ImageNotFound, $"Image '{imageId}' not found or its retention has ended.")),
        };
    }
}

/// <summary>
/// A stored shopper image. <c>imageUrl</c> is a signed link valid until <c>imageUrlExpiresAt</c> (ask again for a fresh
/// one); the image itself can be used by id until <c>expiresAt</c> (its retention). <c>person</c> is what the person
/// analysis found in it (absent for images stored before it existed).
/// </summary>
internal sealed record ImageResponse(
    string ImageId,
    string ImageUrl,
    DateTimeOffset ImageUrlExpiresAt,
    int Width,
    int Height,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExternalUserId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PersonSummary? Person)
{
    public static ImageResponse From(StoredImageRecord image, FileLinks links)
    {
        var (url, urlExpiresAt) = links.Create(image.BlobKey);
        return new ImageResponse(image.ImageId, url, urlExpiresAt, image.Width, image.Height, image.CreatedAt, image.ExpiresAt,
            image.ExternalUserId, image.Person is { } person ? PersonSummary.From(person, image.Height) : null);
    }
}

/// <summary>
/// The person in a stored image: found or not, their box in pixels of the stored image, how much of them is in view
/// (<c>full_body</c>, <c>upper_body</c>, <c>partial</c>), whether they face the camera, and <c>problem</c>: the error
/// code a try-on with this image would answer (<c>PERSON_NOT_FOUND</c>, <c>PERSON_TOO_SMALL</c>), absent when it can be
/// tried on, so a storefront can ask the shopper for another photo at once.
/// </summary>
internal sealed record PersonSummary(
    bool Found,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PersonBoxResponse? Box,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Framing,
    bool FacingCamera,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem)
{
    public static PersonSummary From(PersonAnalysis person, int imageHeight) => new(
        person.Found,
        person.Box is { } box ? new PersonBoxResponse(box.Left, box.Top, box.Width, box.Height) : null,
        person.Framing switch
        {
            PersonFraming.FullBody => "full_body",
            PersonFraming.UpperBody => "upper_body",
            PersonFraming.Partial => "partial",
            _ => null,
        },
        person.FacingCamera,
        PersonRequirements.ProblemOf(person, imageHeight)?.Code);
}

/// <summary>A rectangle in pixels of the stored image, from its top-left corner.</summary>
internal sealed record PersonBoxResponse(int X, int Y, int Width, int Height);

/// <summary>The form of an upload as the OpenAPI document shows it; <see cref="UploadOptions"/> reads it.</summary>
internal sealed class ImageUploadForm
{
    /// <summary>The shopper photo: JPEG, PNG, WebP or HEIC, at most 10 MB.</summary>
    public required IFormFile File { get; init; }

    /// <summary>Cut the photo to 4:5 around the person (default true).</summary>
    public bool? Crop { get; init; }

    /// <summary>Your id for the shopper, for erasure (docs/privacy.md).</summary>
    public string? ExternalUserId { get; init; }

    /// <summary>Days to keep the photo: 1, 3 or 7 (default: the account's retention).</summary>
    public int? KeepForDays { get; init; }
}

/// <summary>The form fields of an upload, with their deprecated aliases (<c>customerId</c>, <c>retentionDays</c>).</summary>
internal sealed record UploadOptions(bool Crop, string? ExternalUserId, int? KeepForDays)
{
    public static bool TryRead(MultipartForm form, out UploadOptions options, out ApiError? error)
    {
        options = new UploadOptions(true, null, null);
        var issues = new List<ValidationIssue>();

        var crop = true;
        if (form.Field("crop") is { } cropText && !bool.TryParse(cropText.Trim(), out crop))
        {
            issues.Add(new ValidationIssue("crop", "Expected true or false."));
        }

        if (!ExternalUserIds.TryNormalize(Aliased(form, "externalUserId", "customerId", issues), out var externalUserId))
        {
            issues.Add(new ValidationIssue("externalUserId", ExternalUserIds.Requirement));
        }

        int? keepForDays = null;
        if (Aliased(form, "keepForDays", "retentionDays", issues) is { } daysText)
        {
            if (int.TryParse(daysText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days)
                && AccountDefaults.RetentionPresets.Contains(days))
            {
                keepForDays = days;
            }
            else
            {
                issues.Add(new ValidationIssue("keepForDays", "Expected 1, 3 or 7."));
            }
        }

        error = issues.Count > 0 ? ApiError.Validation([.. issues]) : null;
        options = new UploadOptions(crop, externalUserId, keepForDays);
        return error is null;
    }

    /// <summary>The canonical field, or its deprecated alias; both with different values is a conflict.</summary>
    private static string? Aliased(MultipartForm form, string canonical, string alias, List<ValidationIssue> issues)
    {
        var value = form.Field(canonical);
        var old = form.Field(alias);
        if (value is not null && old is not null && value != old)
        {
            issues.Add(new ValidationIssue(canonical, $"Conflicts with the deprecated '{alias}'; send one of them."));
        }

        return value ?? old;
    }
}
