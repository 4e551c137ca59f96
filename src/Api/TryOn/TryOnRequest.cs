using System.Text.Json;
using TryOn.Api.Customers;
using TryOn.Api.Errors;
using TryOn.Api.Json;
using TryOn.Api.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.Errors;

namespace TryOn.Api.TryOn;

/// <summary>Where the shopper photo comes from: exactly one of an uploaded image id, a URL, or a multipart part.</summary>
internal sealed record PersonSource(string? ImageId, string? Url, string? FileKey);

/// <summary>
/// A try-on request in any accepted shape, read into one form: the 1.4 body (<c>products[]</c>, <c>person.image.source</c>,
/// <c>externalUserId</c>, <c>output</c>) and the deprecated 1.3 and 1.0 ones (<c>product</c>, <c>customer</c> with or
/// without <c>source</c>, <c>customerId</c>, <c>useWatermark</c>, <c>retentionDays</c>). A field sent in both its new and
/// its old form is a conflict.
/// </summary>
internal sealed record TryOnRequest(ProductRequest Product, PersonSource Person, string? ExternalUserId, bool? Watermark, int? KeepForDays)
{
    public static TryOnRequest? Read(JsonElement root, out ApiError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = ApiError.Validation("", "Expected an object.");
            return null;
        }

        var issues = new List<ValidationIssue>();
        var productElement = ReadProductElement(root, issues, out var productPath);
        var person = ReadPerson(root, issues, out var personMissing);
        if (!ExternalUserIds.TryNormalize(ReadAliasedString(root, "externalUserId", "customerId", issues), out var externalUserId))
        {
            issues.Add(new ValidationIssue("externalUserId", ExternalUserIds.Requirement));
        }

        var watermark = ReadAliasedBool(root, issues);
        var keepForDays = ReadKeepForDays(root, issues);

        if (issues.Count > 0)
        {
            error = ApiError.Validation([.. issues]);
            return null;
        }

        if (personMissing)
        {
            error = ApiError.Of(ErrorCodes.CustomerImageRequired, "The shopper image is required: send person.image.source with an id, url or fileKey.");
            return null;
        }

        var product = ProductRequest.Read(productElement!.Value, productPath, requireExternalId: false, allowAnonymousReference: true, out error);
        return product is null ? null : new TryOnRequest(product, person!, externalUserId, watermark, keepForDays);
    }

    private static JsonElement? ReadProductElement(JsonElement root, List<ValidationIssue> issues, out string path)
    {
        path = "products.0";
        var hasProducts = root.TryGetProperty("products", out var products) && products.ValueKind != JsonValueKind.Null;
        var hasProduct = root.TryGetProperty("product", out var product) && product.ValueKind != JsonValueKind.Null;
        if (hasProducts && hasProduct)
        {
            issues.Add(new ValidationIssue("product", "Send either products or the deprecated product, not both."));
            return null;
        }

        if (hasProduct)
        {
            path = "product";
            return product;
        }

        if (!hasProducts || products.ValueKind != JsonValueKind.Array || products.GetArrayLength() != 1)
        {
            issues.Add(new ValidationIssue("products", "Expected exactly one product."));
            return null;
        }

        return products[0];
    }

    private static PersonSource? ReadPerson(JsonElement root, List<ValidationIssue> issues, out bool missing)
    {
        missing = false;
        var hasPerson = root.TryGetProperty("person", out var person) && person.ValueKind != JsonValueKind.Null;
        var hasCustomer = root.TryGetProperty("customer", out var customer) && customer.ValueKind != JsonValueKind.Null;
        if (hasPerson && hasCustomer)
        {
            issues.Add(new ValidationIssue("customer", "Send either person or the deprecated customer, not both."));
            return null;
        }

        JsonElement source;
        string path;
        if (hasPerson)
        {
            if (person.ValueKind != JsonValueKind.Object
                || !person.TryGetProperty("image", out var image) || image.ValueKind != JsonValueKind.Object
                || !image.TryGetProperty("source", out source) || source.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue("person.image.source", "Expected an object with one of id, url or fileKey."));
                return null;
            }

            path = "person.image.source";
        }
        else if (hasCustomer)
        {
            if (customer.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue("customer", "Expected an object."));
                return null;
            }

            // 1.3 nests the reference under "source"; 1.0 put it on the customer itself.
            var nested = customer.TryGetProperty("source", out source) && source.ValueKind == JsonValueKind.Object;
            source = nested ? source : customer;
            path = nested ? "customer.source" : "customer";
        }
        else
        {
            missing = true;
            return null;
        }

        var id = ReadString(source, "id", path, issues);
        var url = ReadString(source, "url", path, issues);
        var fileKey = ReadString(source, "fileKey", path, issues);
        var given = new[] { id, url, fileKey }.Count(value => value is not null);
        if (given != 1)
        {
            issues.Add(new ValidationIssue(path, given == 0 ? "Expected one of id, url or fileKey." : "Send only one of id, url or fileKey."));
            return null;
        }

        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(uri.UserInfo)))
        {
            issues.Add(new ValidationIssue($"{path}.url", "Expected an absolute http or https URL without credentials."));
            return null;
        }

        return new PersonSource(id, url, fileKey);
    }

    private static string? ReadAliasedString(JsonElement root, string name, string alias, List<ValidationIssue> issues)
    {
        var value = ReadString(root, name, "", issues);
        var old = ReadString(root, alias, "", issues);
        if (value is not null && old is not null && value != old)
        {
            issues.Add(new ValidationIssue(name, $"Conflicts with the deprecated '{alias}'; send one of them."));
        }

        return value ?? old;
    }

    private static bool? ReadAliasedBool(JsonElement root, List<ValidationIssue> issues)
    {
        bool? Read(JsonElement holder, string name, string path)
        {
            if (!holder.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            issues.Add(new ValidationIssue(path, "Expected true or false."));
            return null;
        }

        var output = Output(root, issues);
        var watermark = output is { } o ? Read(o, "watermark", "output.watermark") : null;
        var old = Read(root, "useWatermark", "useWatermark");
        if (watermark is not null && old is not null && watermark != old)
        {
            issues.Add(new ValidationIssue("output.watermark", "Conflicts with the deprecated 'useWatermark'; send one of them."));
        }

        return watermark ?? old;
    }

    private static int? ReadKeepForDays(JsonElement root, List<ValidationIssue> issues)
    {
        int? Read(JsonElement holder, string name, string path)
        {
            if (!holder.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var days) && AccountDefaults.RetentionPresets.Contains(days))
            {
                return days;
            }

            issues.Add(new ValidationIssue(path, "Expected 1, 3 or 7."));
            return null;
        }

        var output = Output(root, []);
        var keep = output is { } o ? Read(o, "keepForDays", "output.keepForDays") : null;
        var old = Read(root, "retentionDays", "retentionDays");
        if (keep is not null && old is not null && keep != old)
        {
            issues.Add(new ValidationIssue("output.keepForDays", "Conflicts with the deprecated 'retentionDays'; send one of them."));
        }

        return keep ?? old;
    }

    private static JsonElement? Output(JsonElement root, List<ValidationIssue> issues)
    {
        if (!root.TryGetProperty("output", out var output) || output.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (output.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue("output", "Expected an object."));
            return null;
        }

        return output;
    }

    private static string? ReadString(JsonElement holder, string name, string path, List<ValidationIssue> issues)
    {
        if (!holder.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var at = path.Length == 0 ? name : $"{path}.{name}";
        if (value.ValueKind == JsonValueKind.String && !value.TryGetText(out _))
        {
            issues.Add(new ValidationIssue(at, JsonStrings.InvalidUnicode));
            return null;
        }

        if (!value.TryGetText(out var text) || text.Length > 2048)
        {
            issues.Add(new ValidationIssue(at, "Expected a string of at most 2048 characters."));
            return null;
        }

        return text;
    }
}
