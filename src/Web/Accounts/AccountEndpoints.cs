using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.Accounts;

/// <summary>The calling merchant's own account (docs/api.md).</summary>
internal static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/account").WithTags("Account");
        group.MapGet("/credits", GetCreditsAsync)
            .WithName("GetCredits")
            .WithSummary("Get credits")
            .WithDescription("The account's spendable credits and the credits held by unfinished generations.")
            .ProducesErrors(ErrorCodes.AccountNotFound);
        return group;
    }

    internal static async Task<Results<Ok<CreditsResponse>, ApiErrorResult>> GetCreditsAsync(
        ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var credits = await grains.GetGrain<IAccountGrain>(user.GetAccountId()).GetCreditsAsync(cancellationToken);
        return credits is null
            ? new ApiErrorResult(ApiError.Of(ErrorCodes.AccountNotFound))
            : TypedResults.Ok(new CreditsResponse(credits.Available, credits.Reserved));
    }
}

/// <summary><c>creditBalance</c> can be spent now; <c>reserved</c> is held by generations that have not finished.</summary>
internal sealed record CreditsResponse(long CreditBalance, long Reserved);
