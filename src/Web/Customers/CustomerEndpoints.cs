using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Errors;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.Customers;

/// <summary><c>DELETE /tryon/v1/customers/:customerId</c> (docs/privacy.md): erase an end user's data.</summary>
internal static partial class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder merchant)
    {
        // A catch-all, so an id holding '/' can be erased too (sent as is or as %2F).
        merchant.MapDelete("/customers/{**customerId}", EraseAsync)
            .WithTags("Customers")
            .WithName("EraseCustomer")
            .WithSummary("Erase an end user")
            .WithDescription("Erase everything stored for an end user (the externalUserId of uploads and try-ons): shopper photos, "
                + "generation results; generation records stay, anonymised. Always 204, idempotent.")
            .ProducesErrors(ErrorCodes.ValidationFailed);
        return merchant;
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> EraseAsync(
        string? customerId, HttpContext context, ClaimsPrincipal user, EndUserErasure erasure, CancellationToken cancellationToken)
    {
        var sent = DecodedOnce(customerId, context.Features.Get<IHttpRequestFeature>()?.RawTarget);
        if (!ExternalUserIds.TryNormalize(sent, out var externalUserId) || externalUserId is null)
        {
            return new ApiErrorResult(ApiError.Validation(
                "customerId", $"Expected the externalUserId of your end user, 1 to {ExternalUserIds.MaxLength} characters."));
        }

        // Unknown customers, and customers of other accounts with the same id, are simply not found: still 204.
        await erasure.EraseAsync(user.GetAccountId(), externalUserId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The id as the client sent it, percent-decoded exactly once. The server decodes every escape of the path except
    /// %2F, which it keeps so that an escaped slash does not split a segment, and the route value is cut from that
    /// path: "a%2Fb" (the id a/b) and "a%252Fb" (the id a%2Fb) both arrive as "a%2Fb". Only the raw request target tells
    /// them apart, so the id is decoded from there: its last segments, as many as the route value has. Null when the
    /// raw target does not decode to the route value (the server removed "." or ".." segments): such an id cannot be
    /// told for sure.
    /// </summary>
    internal static string? DecodedOnce(string? routeValue, string? rawTarget)
    {
        if (string.IsNullOrEmpty(routeValue) || string.IsNullOrEmpty(rawTarget))
        {
            return routeValue;
        }

        var path = rawTarget.AsSpan();
        if (path.IndexOf('?') is var query and >= 0)
        {
            path = path[..query];
        }

        var start = path.Length;
        for (var segments = routeValue.Count('/') + 1; segments > 0; segments--)
        {
            start = path[..start].LastIndexOf('/');
            if (start < 0)
            {
                return null;
            }
        }

        var raw = path[(start + 1)..].ToString();
        var asRouted = Uri.UnescapeDataString(EscapedSlash().Replace(raw, slash => "%25" + slash.Value[1..]));
        return string.Equals(asRouted, routeValue, StringComparison.Ordinal) ? Uri.UnescapeDataString(raw) : null;
    }

    [GeneratedRegex("%2F", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EscapedSlash();
}
