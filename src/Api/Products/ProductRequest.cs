using System.Collections.Immutable;
using System.Text.Json;
using TryOn.Api.Errors;
using TryOn.Api.Json;
using TryOn.Grains.Errors;
using TryOn.Grains.Products;

namespace TryOn.Api.Products;

/// <summary>One image of a product request: a URL or the name of a multipart part, plus caller classifications.</summary>
internal sealed record ProductImageRequest(string? Url, string? FileKey, ImmutableDictionary<string, bool> Classifications);

/// <summary>
/// A product as sent to <c>POST /products</c> (and, later, inline in try-on), read from raw JSON so that "absent"
/// and "null" stay different: absent fields keep their value on update, <c>validForDays: null</c> means forever.
/// </summary>
internal sealed record ProductRequest(
    string? ExternalId,
    string? Title,
    string? Description,
    string? Category,
    ImmutableArray<ProductImageRequest>? Images,
    string? MetadataJson,
    bool MetadataGiven,
    int? ValidForDays,
    bool ValidForDaysGiven,
    bool IsReference)
{
    public const int MaxTitleLength = 500;
    public const int MaxDescriptionLength = 5000;
    public const int MaxImages = 10;
    public const int MaxUrlLength = 2048;
    public const int MaxMetadataBytes = 16 * 1024;

    /// <summary>
    /// Reads and checks a product object found at <paramref name="path"/> ("" for a whole body). Every field
    /// problem is collected as a validation issue; the catalogue's own codes (external id, images) come out as
    /// <paramref name="error"/> with precedence over them. With <paramref name="allowAnonymousReference"/>, a bare
    /// reference to a one-shot product (<c>_anon_…</c>) is allowed, as try-on allows it; creating one never is.
    /// </summary>
    public static ProductRequest? Read(JsonElement element, string path, bool requireExternalId, bool allowAnonymousReference, out ApiError? error)
    {
        error = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = ApiError.Validation(path, "Expected an object.");
            return null;
        }

        var issues = new List<ValidationIssue>();
        var externalId = ReadString(element, "externalId", path, ProductKeys.MaxExternalIdLength, issues);
        if (requireExternalId && string.IsNullOrEmpty(externalId) && !issues.Any(issue => issue.Path.EndsWith("externalId", StringComparison.Ordinal)))
        {
            error = ApiError.Of(ErrorCodes.ExternalIdRequired);
            return null;
        }

        // A reference names a product and nothing else.
        var isReference = externalId is not null && element.EnumerateObject().All(property => property.NameEquals("externalId"));
        if (externalId is not null && externalId.StartsWith(ProductKeys.AnonymousPrefix, StringComparison.Ordinal)
            && !(allowAnonymousReference && isReference))
        {
            error = ApiError.Of(ErrorCodes.ReservedExternalId, $"externalId values starting with '{ProductKeys.AnonymousPrefix}' are reserved for server-generated ids.");
            return null;
        }

        if (externalId is not null && !ProductKeys.IsValidExternalId(externalId))
        {
            issues.Add(new ValidationIssue(Join(path, "externalId"), "Use 1 to 128 visible characters, without spaces, '/', '?', '#', '%' or '\\'."));
        }

        var title = ReadString(element, "title", path, MaxTitleLength, issues);
        var description = ReadString(element, "description", path, MaxDescriptionLength, issues);
        var category = ReadString(element, "category", path, 64, issues)?.Trim().ToLowerInvariant();
        if (category is not null && !ProductCatalogue.Categories.Contains(category))
        {
            issues.Add(new ValidationIssue(Join(path, "category"), $"Expected one of: {string.Join(", ", ProductCatalogue.Categories.Order())}."));
        }

        var images = ReadImages(element, path, issues, out var imageInputError);

        var metadataGiven = element.TryGetProperty("metadata", out var metadata);
        string? metadataJson = null;
        if (metadataGiven && metadata.ValueKind != JsonValueKind.Null)
        {
            metadataJson = metadata.GetRawText();
            if (System.Text.Encoding.UTF8.GetByteCount(metadataJson) > MaxMetadataBytes)
            {
                issues.Add(new ValidationIssue(Join(path, "metadata"), $"At most {MaxMetadataBytes / 1024} KB of JSON."));
            }
        }

        var validForDaysGiven = element.TryGetProperty("validForDays", out var validFor);
        int? validForDays = null;
        if (validForDaysGiven && validFor.ValueKind != JsonValueKind.Null)
        {
            if (validFor.ValueKind == JsonValueKind.Number && validFor.TryGetInt32(out var days) && days is >= 1 and <= 365)
            {
                validForDays = days;
            }
            else
            {
                issues.Add(new ValidationIssue(Join(path, "validForDays"), "Expected an integer from 1 to 365, or null."));
            }
        }

        if (issues.Count > 0)
        {
            error = ApiError.Validation([.. issues]);
            return null;
        }

        if (imageInputError is not null)
        {
            error = imageInputError;
            return null;
        }

        return new ProductRequest(externalId, title, description, category, images, metadataJson, metadataGiven, validForDays, validForDaysGiven, isReference);
    }

    private static ImmutableArray<ProductImageRequest>? ReadImages(JsonElement element, string path, List<ValidationIssue> issues, out ApiError? imageInputError)
    {
        imageInputError = null;
        var hasImages = element.TryGetProperty("images", out var images) && images.ValueKind != JsonValueKind.Null;
        var hasUrls = element.TryGetProperty("imageUrls", out var urls) && urls.ValueKind != JsonValueKind.Null;
        if (hasImages && hasUrls)
        {
            issues.Add(new ValidationIssue(Join(path, "imageUrls"), "Send either images or the deprecated imageUrls, not both."));
            return null;
        }

        if (hasUrls)
        {
            if (urls.ValueKind != JsonValueKind.Array || urls.GetArrayLength() > MaxImages)
            {
                issues.Add(new ValidationIssue(Join(path, "imageUrls"), $"Expected an array of at most {MaxImages} URLs."));
                return null;
            }

            var fromUrls = ImmutableArray.CreateBuilder<ProductImageRequest>();
            var index = 0;
            foreach (var url in urls.EnumerateArray())
            {
                var itemPath = Join(path, $"imageUrls.{index++}");
                if (!url.TryGetText(out var text) || !IsImageUrl(text))
                {
                    issues.Add(new ValidationIssue(itemPath, "Expected an absolute http or https URL without credentials."));
                    continue;
                }

                fromUrls.Add(new ProductImageRequest(text, null, ImmutableDictionary<string, bool>.Empty));
            }

            return fromUrls.ToImmutable();
        }

        if (!hasImages)
        {
            return null;
        }

        if (images.ValueKind != JsonValueKind.Array || images.GetArrayLength() > MaxImages)
        {
            issues.Add(new ValidationIssue(Join(path, "images"), $"Expected an array of at most {MaxImages} images."));
            return null;
        }

        var result = ImmutableArray.CreateBuilder<ProductImageRequest>();
        var position = 0;
        foreach (var image in images.EnumerateArray())
        {
            var imagePath = Join(path, $"images.{position++}");
            if (image.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue(imagePath, "Expected an object."));
                continue;
            }

            // 1.3+ nests the reference under "source"; 1.0 put url/fileKey on the image itself.
            var hasSource = image.TryGetProperty("source", out var source) && source.ValueKind != JsonValueKind.Null;
            if (hasSource && source.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue(Join(imagePath, "source"), "Expected an object."));
                continue;
            }

            var holder = hasSource ? source : image;
            var holderPath = hasSource ? Join(imagePath, "source") : imagePath;
            var url = ReadString(holder, "url", holderPath, MaxUrlLength, issues);
            var fileKey = ReadString(holder, "fileKey", holderPath, 200, issues);
            if (hasSource && (image.TryGetProperty("url", out _) || image.TryGetProperty("fileKey", out _)))
            {
                issues.Add(new ValidationIssue(imagePath, "Put url or fileKey inside source only."));
            }

            if (url is not null && fileKey is not null)
            {
                issues.Add(new ValidationIssue(holderPath, "Send either url or fileKey, not both."));
            }
            else if (url is not null && !IsImageUrl(url))
            {
                issues.Add(new ValidationIssue(Join(holderPath, "url"), "Expected an absolute http or https URL without credentials."));
            }
            else if (url is null && fileKey is null)
            {
                imageInputError ??= ApiError.Of(ErrorCodes.InvalidImageInput, $"{(imagePath.Length == 0 ? "An image" : imagePath)} has neither url nor fileKey.");
            }

            result.Add(new ProductImageRequest(url, fileKey, ReadClassifications(image, imagePath, issues)));
        }

        return result.ToImmutable();
    }

    private static ImmutableDictionary<string, bool> ReadClassifications(JsonElement image, string imagePath, List<ValidationIssue> issues)
    {
        if (!image.TryGetProperty("classifications", out var classifications) || classifications.ValueKind == JsonValueKind.Null)
        {
            return ImmutableDictionary<string, bool>.Empty;
        }

        var path = Join(imagePath, "classifications");
        if (classifications.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue(path, "Expected an object of boolean flags."));
            return ImmutableDictionary<string, bool>.Empty;
        }

        var flags = ImmutableDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
        foreach (var flag in classifications.EnumerateObject())
        {
            if (!flag.TryGetName(out _))
            {
                issues.Add(new ValidationIssue(path, JsonStrings.InvalidUnicode));
            }
            else if (!ProductCatalogue.ClassificationKeys.Contains(flag.Name))
            {
                issues.Add(new ValidationIssue(Join(path, flag.Name), $"Unknown classification; expected one of: {string.Join(", ", ProductCatalogue.ClassificationKeys.Order())}."));
            }
            else if (flag.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                issues.Add(new ValidationIssue(Join(path, flag.Name), "Expected true or false."));
            }
            else
            {
                flags[flag.Name] = flag.Value.GetBoolean();
            }
        }

        return flags.ToImmutable();
    }

    private static string? ReadString(JsonElement holder, string name, string path, int maxLength, List<ValidationIssue> issues)
    {
        if (!holder.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            issues.Add(new ValidationIssue(Join(path, name), "Expected a string."));
            return null;
        }

        if (!value.TryGetText(out var text))
        {
            issues.Add(new ValidationIssue(Join(path, name), JsonStrings.InvalidUnicode));
            return null;
        }

        if (text.Length > maxLength)
        {
            issues.Add(new ValidationIssue(Join(path, name), $"At most {maxLength} characters."));
            return null;
        }

        return text;
    }

    private static bool IsImageUrl(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength }
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.UserInfo);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
