using TryOn.Web.Json;
using TryOn.Web.Products;

namespace TryOn.Web.TryOn;

/// <summary>
/// A try-on body as sent (docs/api.md, try-on), in any accepted shape: the 1.4 fields, then the deprecated 1.3 and 1.0
/// ones that <see cref="DeprecatedShapes"/> maps onto them.
/// </summary>
internal sealed record TryOnBody
{
    public Optional<IReadOnlyList<Optional<ProductBody>>> Products { get; init; }

    public Optional<PersonBody> Person { get; init; }

    public Optional<string> ExternalUserId { get; init; }

    public Optional<OutputBody> Output { get; init; }

    /// <summary>1.3 and 1.0: the one product, before <see cref="Products"/>.</summary>
    public Optional<ProductBody> Product { get; init; }

    /// <summary>1.3 (<c>customer.source</c>) and 1.0 (the reference on the customer itself): before <see cref="Person"/>.</summary>
    public Optional<CustomerBody> Customer { get; init; }

    /// <summary>Before <see cref="ExternalUserId"/>.</summary>
    public Optional<string> CustomerId { get; init; }

    /// <summary>Before <c>output.watermark</c>.</summary>
    public Optional<bool> UseWatermark { get; init; }

    /// <summary>Before <c>output.keepForDays</c>.</summary>
    public Optional<int> RetentionDays { get; init; }
}

internal sealed record PersonBody
{
    public Optional<PersonImageBody> Image { get; init; }
}

internal sealed record PersonImageBody
{
    public Optional<ImageSourceBody> Source { get; init; }
}

/// <summary>Where the shopper photo comes from: exactly one of an uploaded image's id, a URL, or a multipart part's name.</summary>
internal record ImageSourceBody
{
    public Optional<string> Id { get; init; }

    public Optional<string> Url { get; init; }

    public Optional<string> FileKey { get; init; }
}

/// <summary>The deprecated <c>customer</c>: 1.0 put the reference on it, 1.3 under its <see cref="Source"/>.</summary>
internal sealed record CustomerBody : ImageSourceBody
{
    public Optional<ImageSourceBody> Source { get; init; }
}

internal sealed record OutputBody
{
    public Optional<bool> Watermark { get; init; }

    public Optional<int> KeepForDays { get; init; }
}
