using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Api.Authentication;
using TryOn.Api.Customers;
using TryOn.Api.Errors;
using TryOn.Api.Files;
using TryOn.Api.Multipart;
using TryOn.Grains.Accounts;
using TryOn.Grains.Errors;

namespace TryOn.Api.Images;

/// <summary><c>POST /tryon/v1/images/upload</c> (API.md §3.1): store a shopper photo once, reuse it by id.</summary>
internal static class ImageUploadEndpoints
{
    public static RouteGroupBuilder MapImageUploadEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/images").WithTags("Images");
        group.MapPost("/upload", UploadAsync)
            .DisableAntiforgery()
            .WithName("UploadImage")
            .WithSummary("Store a shopper photo (multipart: file, crop, externalUserId, keepForDays) and get its id and a signed link.")
            .ProducesErrors(400, 413, 415);
        return group;
    }

    internal static async Task<Results<Ok<UploadedImageResponse>, ApiErrorResult>> UploadAsync(
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
        var (record, error) = await shopperImages.StoreAsync(accountId, file.Content, options.Crop, options.ExternalUserId, keepForDays);
        if (error is not null)
        {
            return new ApiErrorResult(error);
        }

        var (url, urlExpiresAt) = links.Create(request, record!.BlobKey);
        return TypedResults.Ok(new UploadedImageResponse(record.ImageId, url, urlExpiresAt, record.Width, record.Height, record.ExpiresAt));
    }
}

/// <summary>
/// <c>imageUrl</c> is a signed link valid until <c>imageUrlExpiresAt</c>; the image itself can be used by id until
/// <c>expiresAt</c> (its retention).
/// </summary>
internal sealed record UploadedImageResponse(
    string ImageId,
    string ImageUrl,
    DateTimeOffset ImageUrlExpiresAt,
    int Width,
    int Height,
    DateTimeOffset ExpiresAt);

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
