using System.Security.Claims;

namespace TryOn.Web.Authentication;

internal static class TryOnClaims
{
    public const string AccountId = "account_id";
    public const string ApiKeyId = "api_key_id";

    /// <summary>The calling merchant's account; endpoints behind the merchant policy always have one.</summary>
    public static string GetAccountId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(AccountId) ?? throw new InvalidOperationException("The request was not authenticated with an API key.");
}

internal static class AuthorizationPolicies
{
    public const string Merchant = "merchant";
    public const string Admin = "admin";
}
