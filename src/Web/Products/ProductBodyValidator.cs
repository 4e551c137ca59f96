using FluentValidation;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Products;
using TryOn.Pipeline.Fetching;
using TryOn.Web.Errors;
using TryOn.Web.Json;
using TryOn.Web.TryOn;

namespace TryOn.Web.Products;

/// <summary>The fields of a product (docs/products.md), each problem at its dotted path, in the order of the body's fields.</summary>
internal sealed class ProductBodyValidator : AbstractValidator<ProductBody>
{
    public const int MaxCategoryLength = 64;

    public ProductBodyValidator()
    {
        RuleFor(product => product.ExternalId).Text(ProductKeys.MaxExternalIdLength);
        RuleFor(product => product.ExternalId).Must(id => ProductKeys.IsValidExternalId(id.Value))
            .When(product => product.ExternalId.TextWithin(ProductKeys.MaxExternalIdLength) is not null)
            .WithMessage("Use 1 to 128 visible characters, without spaces, '/', '?', '#', '%' or '\\'.");
        RuleFor(product => product.Title).Text(ProductRequest.MaxTitleLength);
        RuleFor(product => product.Description).Text(ProductRequest.MaxDescriptionLength);
        RuleFor(product => product.Category).Text(MaxCategoryLength);
        RuleFor(product => product.Category).Must(category => ProductCatalogue.Categories.Contains(Category(category)!))
            .When(product => Category(product.Category) is not null)
            .WithMessage($"Expected one of: {string.Join(", ", ProductCatalogue.Categories.Order())}.");

        RuleFor(product => product.ImageUrls).Must((product, urls) => !(urls.IsSet && product.Images.IsSet))
            .WithMessage("Send either images or the deprecated imageUrls, not both.");
        When(product => product.ImageUrls.IsSet && !product.Images.IsSet, () =>
        {
            RuleFor(product => product.ImageUrls).Must(urls => urls.Value is { Count: <= ProductRequest.MaxImages })
                .WithMessage($"Expected an array of at most {ProductRequest.MaxImages} URLs.");
            RuleForEach(product => product.ImageUrls.Value).Must(url => ImageUrls.IsAcceptable(url.Value))
                .When(product => product.ImageUrls.Value is { Count: <= ProductRequest.MaxImages })
                .OverridePropertyName(nameof(ProductBody.ImageUrls))
                .WithMessage(ImageUrls.Requirement);
        });
        When(product => product.Images.IsSet && !product.ImageUrls.IsSet, () =>
        {
            RuleFor(product => product.Images).Must(images => images.Value is { Count: <= ProductRequest.MaxImages })
                .WithMessage($"Expected an array of at most {ProductRequest.MaxImages} images.");
            RuleForEach(product => product.Images.Value).SetValidator(new ProductImageValidator())
                .When(product => product.Images.Value is { Count: <= ProductRequest.MaxImages })
                .OverridePropertyName(nameof(ProductBody.Images));
        });

        RuleFor(product => product.Metadata)
            .Must(metadata => !metadata.HasValue || System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(metadata.Value).Length <= ProductRequest.MaxMetadataBytes)
            .WithMessage($"At most {ProductRequest.MaxMetadataBytes / 1024} KB of JSON.");
        RuleFor(product => product.ValidForDays).Must(days => !days.IsSet || days is { HasValue: true, Value: >= 1 and <= 365 })
            .WithMessage("Expected an integer from 1 to 365, or null.");
    }

    /// <summary>The category as stored: trimmed and in lower case.</summary>
    public static string? Category(Optional<string> sent) => sent.TextWithin(MaxCategoryLength)?.Trim().ToLowerInvariant();
}

/// <summary>
/// One image of a product: an object, with its reference in <c>source</c> (or, 1.0, on itself), never in both places,
/// and classifications from the catalogue's keys.
/// </summary>
internal sealed class ProductImageValidator : AbstractValidator<Optional<ProductImageBody>>
{
    public ProductImageValidator()
    {
        var fields = new ProductImageSourceFieldsValidator();
        var choice = new ProductImageSourceChoiceValidator();
        RuleFor(image => image).Must(image => image.HasValue).WithMessage("Expected an object.");
        When(image => image.HasValue, () =>
        {
            RuleFor(image => image.Value!.Source).Must(source => !source.IsMalformed)
                .OverridePropertyName(nameof(ProductImageBody.Source))
                .WithMessage("Expected an object.");
            When(image => image.Value!.Source.HasValue, () =>
            {
                RuleFor(image => image.Value!.Source.Value!).SetValidator(fields).OverridePropertyName(nameof(ProductImageBody.Source));
                RuleFor(image => image).Must(image => !(image.Value!.Url.IsGiven || image.Value.FileKey.IsGiven))
                    .WithMessage("Put url or fileKey inside source only.");
                RuleFor(image => image.Value!.Source.Value!).SetValidator(choice).OverridePropertyName(nameof(ProductImageBody.Source));
            });
            When(image => !image.Value!.Source.IsSet, () =>
            {
                // 1.0: the image is its own reference, and its problems are at its own path.
                RuleFor(image => DeprecatedShapes.Holder(image.Value!)).SetValidator(fields);
                RuleFor(image => DeprecatedShapes.Holder(image.Value!)).SetValidator(choice);
            });
            When(image => !image.Value!.Source.IsMalformed, () =>
            {
                RuleFor(image => image).Custom((image, context) =>
                {
                    var holder = DeprecatedShapes.Holder(image.Value!);
                    if (ProductImageSourceFieldsValidator.UrlOf(holder) is null && ProductImageSourceFieldsValidator.FileKeyOf(holder) is null)
                    {
                        context.AddFailure(ValidationErrors.Coded(ErrorCodes.InvalidImageInput, $"{ValidationPaths.ToDotted(context.PropertyPath)} has neither url nor fileKey."));
                    }
                });
                RuleFor(image => image.Value!.Classifications)
                    .Configure(rule => rule.PropertyName = nameof(ProductImageBody.Classifications))
                    .Custom(CheckClassifications);
            });
        });
    }

    private static void CheckClassifications(Optional<NamedValues<bool>> classifications, ValidationContext<Optional<ProductImageBody>> context)
    {
        if (!classifications.IsSet)
        {
            return;
        }

        var path = ValidationPaths.ToDotted(context.PropertyPath);
        if (!classifications.HasValue)
        {
            context.AddFailure("Expected an object of boolean flags.");
            return;
        }

        foreach (var flag in classifications.Value!.Properties)
        {
            if (flag.Name is null)
            {
                context.AddFailure(JsonStrings.InvalidUnicode);
            }
            else if (!ProductCatalogue.ClassificationKeys.Contains(flag.Name))
            {
                context.AddFailure(ValidationErrors.AtSentPath($"{path}.{flag.Name}", $"Unknown classification; expected one of: {string.Join(", ", ProductCatalogue.ClassificationKeys.Order())}."));
            }
            else if (!flag.Value.HasValue)
            {
                context.AddFailure(ValidationErrors.AtSentPath($"{path}.{flag.Name}", "Expected true or false."));
            }
        }
    }
}

/// <summary>The url and fileKey of an image's reference, each a string of bounded length.</summary>
internal sealed class ProductImageSourceFieldsValidator : AbstractValidator<ProductImageSourceBody>
{
    public const int MaxFileKeyLength = 200;

    public ProductImageSourceFieldsValidator()
    {
        RuleFor(source => source.Url).Text(ImageUrls.MaxLength);
        RuleFor(source => source.FileKey).Text(MaxFileKeyLength);
    }

    /// <summary>The url, when it is one the rules above accept.</summary>
    public static string? UrlOf(ProductImageSourceBody source) => source.Url.TextWithin(ImageUrls.MaxLength);

    /// <summary>The fileKey, when it is one the rules above accept.</summary>
    public static string? FileKeyOf(ProductImageSourceBody source) => source.FileKey.TextWithin(MaxFileKeyLength);
}

/// <summary>An image's reference is a url the URL rule accepts or a fileKey, not both (one with neither is INVALID_IMAGE_INPUT).</summary>
internal sealed class ProductImageSourceChoiceValidator : AbstractValidator<ProductImageSourceBody>
{
    public ProductImageSourceChoiceValidator()
    {
        RuleFor(source => source)
            .Must(source => ProductImageSourceFieldsValidator.UrlOf(source) is null || ProductImageSourceFieldsValidator.FileKeyOf(source) is null)
            .WithMessage("Send either url or fileKey, not both.");
        RuleFor(source => source.Url).Must(url => ImageUrls.IsAcceptable(url.Value))
            .When(source => ProductImageSourceFieldsValidator.UrlOf(source) is not null && ProductImageSourceFieldsValidator.FileKeyOf(source) is null)
            .WithMessage(ImageUrls.Requirement);
    }
}
