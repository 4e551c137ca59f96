using FluentValidation;
using TryOn.Contracts.Errors;
using TryOn.Pipeline.Fetching;
using TryOn.Web.Customers;
using TryOn.Web.Errors;
using TryOn.Web.Json;

namespace TryOn.Web.TryOn;

/// <summary>
/// The try-on's own fields in every shape (docs/api.md): one product, one shopper photo, the end user's id and the output
/// options, each refused when sent in both its 1.4 and its deprecated form with different values. The product's fields are
/// <see cref="Products.ProductBodyValidator"/>'s, checked once these are valid.
/// </summary>
internal sealed class TryOnBodyValidator : AbstractValidator<TryOnBody>
{
    /// <summary>The longest string a try-on body's own fields (ids, URLs, part names) may hold.</summary>
    public const int MaxTextLength = 2048;

    private static readonly string Requirement = $"Expected a string of at most {MaxTextLength} characters.";

    public TryOnBodyValidator()
    {
        RuleFor(body => body.Product).Must((body, product) => !(product.IsSet && body.Products.IsSet))
            .WithMessage("Send either products or the deprecated product, not both.");
        RuleFor(body => body.Products).Must(products => products.Value is { Count: 1 }).When(body => !body.Product.IsSet)
            .WithMessage("Expected exactly one product.");

        var source = new ImageSourceValidator();
        RuleFor(body => body.Customer).Must((body, _) => DeprecatedShapes.PersonShapeOf(body) != PersonShape.Both)
            .WithMessage("Send either person or the deprecated customer, not both.");
        When(body => DeprecatedShapes.PersonShapeOf(body) == PersonShape.Person, () =>
        {
            RuleFor(body => body.Person).Must((body, _) => DeprecatedShapes.PersonSource(body) is not null)
                .OverridePropertyName("person.image.source")
                .WithMessage("Expected an object with one of id, url or fileKey.");
            RuleFor(body => DeprecatedShapes.PersonSource(body)!).SetValidator(source)
                .When(body => DeprecatedShapes.PersonSource(body) is not null)
                .OverridePropertyName("person.image.source");
        });
        RuleFor(body => body.Customer.Value!.Source.Value!).SetValidator(source)
            .When(body => DeprecatedShapes.PersonShapeOf(body) == PersonShape.CustomerSource)
            .OverridePropertyName("customer.source");
        When(body => DeprecatedShapes.PersonShapeOf(body) == PersonShape.Customer, () =>
        {
            RuleFor(body => body.Customer).Must(customer => customer.HasValue).WithMessage("Expected an object.");
            RuleFor(body => (ImageSourceBody)body.Customer.Value!).SetValidator(source)
                .When(body => body.Customer.HasValue)
                .OverridePropertyName("customer");
        });

        RuleFor(body => body.ExternalUserId).Text(MaxTextLength, Requirement);
        RuleFor(body => body.CustomerId).Text(MaxTextLength, Requirement);
        RuleFor(body => body.ExternalUserId)
            .Must((body, id) => !(id.TextWithin(MaxTextLength) is { } current
                && body.CustomerId.TextWithin(MaxTextLength) is { } old && current != old))
            .WithMessage("Conflicts with the deprecated 'customerId'; send one of them.");
        RuleFor(body => body.ExternalUserId).Must((body, _) => ExternalUserIds.TryNormalize(DeprecatedShapes.ExternalUserId(body), out var _))
            .WithMessage(ExternalUserIds.Requirement);

        RuleFor(body => body.Output).Must(output => !output.IsMalformed).WithMessage("Expected an object.");
        RuleFor(body => DeprecatedShapes.OutputWatermark(body)).Must(watermark => !watermark.IsMalformed)
            .OverridePropertyName("output.watermark")
            .WithMessage("Expected true or false.");
        RuleFor(body => body.UseWatermark).Must(watermark => !watermark.IsMalformed).WithMessage("Expected true or false.");
        RuleFor(body => DeprecatedShapes.OutputWatermark(body))
            .Must((body, watermark) => !(watermark.Flag() is { } current && body.UseWatermark.Flag() is { } old && current != old))
            .OverridePropertyName("output.watermark")
            .WithMessage("Conflicts with the deprecated 'useWatermark'; send one of them.");
        RuleFor(body => DeprecatedShapes.OutputKeepForDays(body)).Must(BeAPresetIfSet)
            .OverridePropertyName("output.keepForDays")
            .WithMessage("Expected 1, 3 or 7.");
        RuleFor(body => body.RetentionDays).Must(BeAPresetIfSet).WithMessage("Expected 1, 3 or 7.");
        RuleFor(body => DeprecatedShapes.OutputKeepForDays(body))
            .Must((body, days) => !(DeprecatedShapes.Preset(days) is { } current && DeprecatedShapes.Preset(body.RetentionDays) is { } old && current != old))
            .OverridePropertyName("output.keepForDays")
            .WithMessage("Conflicts with the deprecated 'retentionDays'; send one of them.");

        RuleFor(body => body).Custom((body, context) =>
        {
            if (DeprecatedShapes.PersonShapeOf(body) == PersonShape.Missing)
            {
                context.AddFailure(ValidationErrors.Coded(ErrorCodes.CustomerImageRequired, "The shopper image is required: send person.image.source with an id, url or fileKey."));
            }
        });
    }

    private static bool BeAPresetIfSet(Optional<int> days) => !days.IsSet || DeprecatedShapes.Preset(days) is not null;

    /// <summary>Exactly one of an uploaded image's id, a URL the URL rule accepts, or a part's name.</summary>
    private sealed class ImageSourceValidator : AbstractValidator<ImageSourceBody>
    {
        public ImageSourceValidator()
        {
            RuleFor(source => source.Id).Text(MaxTextLength, Requirement);
            RuleFor(source => source.Url).Text(MaxTextLength, Requirement);
            RuleFor(source => source.FileKey).Text(MaxTextLength, Requirement);
            RuleFor(source => source).Must(source => Given(source) == 1)
                .WithMessage(source => Given(source) == 0 ? "Expected one of id, url or fileKey." : "Send only one of id, url or fileKey.");
            RuleFor(source => source.Url).Must(url => ImageUrls.IsAcceptable(url.Value))
                .When(source => Given(source) == 1 && source.Url.TextWithin(MaxTextLength) is not null)
                .WithMessage(ImageUrls.Requirement);
        }

        private static int Given(ImageSourceBody source) =>
            new[] { source.Id, source.Url, source.FileKey }.Count(sent => sent.TextWithin(MaxTextLength) is not null);
    }
}
