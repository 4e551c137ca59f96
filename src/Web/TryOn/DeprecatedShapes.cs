using System.Collections.Immutable;
using TryOn.Contracts.Accounts;
using TryOn.Web.Json;
using TryOn.Web.Multipart;
using TryOn.Web.Products;

namespace TryOn.Web.TryOn;

/// <summary>Where a try-on body put its shopper photo.</summary>
internal enum PersonShape
{
    Missing,

    /// <summary><c>person</c> and the deprecated <c>customer</c> both: a conflict.</summary>
    Both,

    /// <summary>1.4: <c>person.image.source</c>.</summary>
    Person,

    /// <summary>1.3: <c>customer.source</c>.</summary>
    CustomerSource,

    /// <summary>1.0: the reference on <c>customer</c> itself.</summary>
    Customer,
}

/// <summary>
/// The one mapping of the deprecated 1.3 and 1.0 request shapes (docs/api.md) onto the 1.4 one that the rest of the code
/// sees: <c>product</c> is <c>products[0]</c>; <c>customer.source</c> and <c>customer</c> are <c>person.image.source</c>;
/// <c>customerId</c>, <c>useWatermark</c> and <c>retentionDays</c> are <c>externalUserId</c>, <c>output.watermark</c> and
/// <c>output.keepForDays</c>; in a product, <c>imageUrls</c> and an image's own <c>url</c> or <c>fileKey</c> are
/// <c>images[].source</c>. A value comes from its 1.4 field when that holds one its rule accepts, else from the deprecated
/// one; the validators refuse the two forms of a field with different values (the conflict rule), so once a body is
/// valid the choice is the merchant's.
/// </summary>
internal static class DeprecatedShapes
{
    /// <summary>The three shapes of a try-on body, as the OpenAPI document shows them: 1.4 first.</summary>
    public static readonly BodyShape[] Documented =
    [
        new("TryOnRequest", "A try-on (1.4): the product to put on the shopper, the shopper photo, whose photo it is, and the output.",
            Fields("products", "person", "externalUserId", "output"), ["products", "person"]),
        new("TryOnRequestV13", "Deprecated (1.3): one product, the shopper photo under customer.source.",
            Fields("product", "customer", "customerId", "useWatermark", "retentionDays"), ["product", "customer"]),
        new("TryOnRequestV10", "Deprecated (1.0): one product, the shopper photo's reference on customer itself.",
            new Dictionary<string, Type?>(Fields("product", "customerId", "useWatermark", "retentionDays")) { ["customer"] = typeof(ImageSourceBody) },
            ["product", "customer"]),
    ];

    private static readonly OutputBody Unset = new();

    private static Dictionary<string, Type?> Fields(params string[] names) => names.ToDictionary(name => name, _ => (Type?)null, StringComparer.Ordinal);

    /// <summary>The product and the path it was sent at; a valid body has exactly one.</summary>
    public static (Optional<ProductBody> Product, string Path) Product(TryOnBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Product.IsSet ? (body.Product, "product") : (body.Products.Value is [var only] ? only : default, "products.0");
    }

    public static PersonShape PersonShapeOf(TryOnBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return (body.Person.IsSet, body.Customer.IsSet) switch
        {
            (true, true) => PersonShape.Both,
            (true, false) => PersonShape.Person,
            (false, true) => body.Customer.Value?.Source.HasValue == true ? PersonShape.CustomerSource : PersonShape.Customer,
            _ => PersonShape.Missing,
        };
    }

    /// <summary>The shopper photo's reference in whichever shape it came, null when it is missing or not an object.</summary>
    public static ImageSourceBody? PersonSource(TryOnBody body) => PersonShapeOf(body) switch
    {
        PersonShape.Person => body.Person.Value?.Image.Value?.Source.Value,
        PersonShape.CustomerSource => body.Customer.Value!.Source.Value,
        PersonShape.Customer => body.Customer.Value,
        _ => null,
    };

    public static string? ExternalUserId(TryOnBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.ExternalUserId.TextWithin(TryOnBodyValidator.MaxTextLength) ?? body.CustomerId.TextWithin(TryOnBodyValidator.MaxTextLength);
    }

    public static Optional<bool> OutputWatermark(TryOnBody body) => OutputOf(body).Watermark;

    public static Optional<int> OutputKeepForDays(TryOnBody body) => OutputOf(body).KeepForDays;

    public static bool? Watermark(TryOnBody body) => OutputWatermark(body).Flag() ?? body.UseWatermark.Flag();

    public static int? KeepForDays(TryOnBody body) => Preset(OutputKeepForDays(body)) ?? Preset(body.RetentionDays);

    /// <summary>A retention the account could have: 1, 3 or 7 days.</summary>
    public static int? Preset(Optional<int> days) => days.HasValue && AccountDefaults.RetentionPresets.Contains(days.Value) ? days.Value : null;

    /// <summary>Where an image's url or fileKey is: its <c>source</c>, or (1.0) the image itself.</summary>
    public static ProductImageSourceBody Holder(ProductImageBody image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Source.Value ?? image;
    }

    /// <summary>A valid product's images in their one form; null when it sends none (an update keeps the stored ones).</summary>
    public static ImmutableArray<ProductImageRequest>? Images(ProductBody product)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (product.ImageUrls.IsSet)
        {
            return [.. product.ImageUrls.Value!.Select(url => new ProductImageRequest(url.Value, null, ImmutableDictionary<string, bool>.Empty))];
        }

        if (!product.Images.IsSet)
        {
            return null;
        }

        return [.. product.Images.Value!.Select(sent =>
        {
            var holder = Holder(sent.Value!);
            var flags = ImmutableDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
            foreach (var flag in sent.Value!.Classifications.Value?.Properties ?? [])
            {
                flags[flag.Name!] = flag.Value.Value;
            }

            return new ProductImageRequest(holder.Url.Value, holder.FileKey.Value, flags.ToImmutable());
        })];
    }

    private static OutputBody OutputOf(TryOnBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Output.Value ?? Unset;
    }
}
