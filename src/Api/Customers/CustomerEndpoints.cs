using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Api.Authentication;
using TryOn.Api.Errors;
using TryOn.Api.Images;
using TryOn.Grains.Privacy;

namespace TryOn.Api.Customers;

/// <summary><c>DELETE /tryon/v1/customers/:customerId</c> (API.md §3.10): erase an end user's data.</summary>
internal static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder merchant)
    {
        // A catch-all, so an id holding '/' can be erased too (sent as is or as %2F).
        merchant.MapDelete("/customers/{**customerId}", EraseAsync)
            .WithTags("Customers")
            .WithName("EraseCustomer")
            .WithSummary("Erase everything stored for an end user (the externalUserId of uploads and try-ons): shopper photos, "
                + "generation results; generation records stay, anonymised. Always 204, idempotent.")
            .ProducesErrors(400);
        return merchant;
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> EraseAsync(
        string? customerId, ClaimsPrincipal user, CustomerErasure erasure, CancellationToken cancellationToken)
    {
        // The server decodes every escape in the path but %2F, which stays as sent.
        var externalUserId = customerId?.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (externalUserId is not { Length: > 0 and <= ImageUploadEndpoints.MaxExternalUserIdLength })
        {
            return new ApiErrorResult(ApiError.Validation(
                "customerId", $"Expected the externalUserId of your end user, 1 to {ImageUploadEndpoints.MaxExternalUserIdLength} characters."));
        }

        // Unknown customers, and customers of other accounts with the same id, are simply not found: still 204.
        await erasure.EraseAsync(user.GetAccountId(), externalUserId, cancellationToken);
        return TypedResults.NoContent();
    }
}
