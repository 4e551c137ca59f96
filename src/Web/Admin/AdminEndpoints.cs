using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Ids;
using TryOn.Web.Accounts;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Multipart;
using TryOn.Web.Paging;

namespace TryOn.Web.Admin;

/// <summary>
/// The operators' API (docs/api.md, Admin API): accounts, credits and keys, behind the admin token. Bodies are declared
/// nullable so that a missing body reaches the validation filter, which answers for it; handlers run only
/// with a validated body.
/// </summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/v1/accounts")
            .RequireAuthorization(AuthorizationPolicies.Admin)
            .WithTags("Admin")
            .ProducesErrors(ErrorCodes.Unauthorized, ErrorCodes.RateLimited);

        admin.MapPost("/", CreateAccountAsync).Validate<CreateAccountRequest>()
            .WithName("CreateAccount").WithSummary("Create an account").WithDescription("An account with its name, starting credits and limits; the answer holds its id.");
        admin.MapGet("/", ListAccountsAsync)
            .WithName("ListAccounts").WithSummary("List accounts").WithDescription("Accounts, newest first (paged).").ProducesErrors(ErrorCodes.ValidationFailed);
        admin.MapGet("/{accountId}", GetAccountAsync)
            .WithName("GetAccount").WithSummary("Get an account").WithDescription("One account with balance, reserved credits, limits, retention and status.").ProducesErrors(ErrorCodes.AccountNotFound);
        admin.MapPatch("/{accountId}", UpdateAccountAsync).Validate<UpdateAccountRequest>()
            .WithName("UpdateAccount").WithSummary("Update an account").WithDescription("Change name, limits, retention or active flag; omitted fields keep their value.").ProducesErrors(ErrorCodes.AccountNotFound);
        admin.MapPost("/{accountId}/credits", AdjustCreditsAsync).Validate<AdjustCreditsRequest>()
            .WithName("AdjustCredits").WithSummary("Adjust credits").WithDescription("Grant (positive) or deduct (negative) credits; recorded in the ledger.").ProducesErrors(ErrorCodes.InsufficientCredits, ErrorCodes.AccountNotFound);
        admin.MapGet("/{accountId}/ledger", ListLedgerAsync)
            .WithName("ListLedger").WithSummary("List the ledger").WithDescription("Credit movements, newest first (paged).").ProducesErrors(ErrorCodes.ValidationFailed, ErrorCodes.AccountNotFound);
        admin.MapPost("/{accountId}/keys", IssueApiKeyAsync).Validate<IssueApiKeyRequest>()
            .WithName("IssueApiKey").WithSummary("Issue an API key").WithDescription("Issue an API key; the key is shown only in this answer.").ProducesErrors(ErrorCodes.AccountNotFound);
        admin.MapGet("/{accountId}/keys", ListApiKeysAsync)
            .WithName("ListApiKeys").WithSummary("List API keys").WithDescription("The account's keys, never their secrets.").ProducesErrors(ErrorCodes.AccountNotFound);
        admin.MapPut("/{accountId}/logo", SetLogoAsync).DisableAntiforgery().AcceptsMultipart<LogoForm>()
            .WithName("SetLogo").WithSummary("Set the logo").WithDescription("Set the logo stamped on results (multipart field 'file': a PNG, transparency kept).").ProducesErrors(ErrorCodes.QuotaExceeded, ErrorCodes.AccountNotFound);
        admin.MapDelete("/{accountId}/logo", RemoveLogoAsync)
            .WithName("RemoveLogo").WithSummary("Remove the logo").WithDescription("Stop stamping results.").ProducesErrors(ErrorCodes.AccountNotFound);
        admin.MapDelete("/{accountId}/keys/{keyId}", RevokeApiKeyAsync)
            .WithName("RevokeApiKey").WithSummary("Revoke an API key").WithDescription("Revoke a key; it is refused everywhere within a second.").ProducesErrors(ErrorCodes.ApiKeyNotFound, ErrorCodes.AccountNotFound);
        return admin;
    }

    internal static async Task<Results<Created<AccountResponse>, ApiErrorResult>> CreateAccountAsync(
        CreateAccountRequest? request, IGrainFactory grains, [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var accountId = ResourceIds.NewAccountId(timeProvider);
        var account = await grains.GetGrain<IAccountGrain>(accountId).CreateAsync(
            new NewAccount(request!.Name!.Trim(), request.Credits ?? 0, request.Limits?.ToPatch(), request.RetentionDays),
            cancellationToken);
        return TypedResults.Created($"/admin/v1/accounts/{accountId}", AccountResponse.From(account));
    }

    internal static async Task<Results<Ok<ListResponse<AccountResponse>>, ApiErrorResult>> ListAccountsAsync(
        string? limit, string? cursor, IAccountReadModel accounts, CancellationToken cancellationToken)
    {
        if (!ListQuery.TryParse(limit, cursor, out var page, out var error))
        {
            return new ApiErrorResult(error!);
        }

        var result = await accounts.ListAccountsAsync(page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(AccountResponse.From));
    }

    internal static async Task<Results<Ok<AccountResponse>, ApiErrorResult>> GetAccountAsync(
        string accountId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var account = ResourceIds.IsAccountId(accountId)
            ? await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken)
            : null;
        return account is null ? AccountNotFound(accountId) : TypedResults.Ok(AccountResponse.From(account));
    }

    internal static async Task<Results<Ok<AccountResponse>, ApiErrorResult>> UpdateAccountAsync(
        string accountId, UpdateAccountRequest? request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var account = ResourceIds.IsAccountId(accountId)
            ? await grains.GetGrain<IAccountGrain>(accountId).UpdateAsync(
                new AccountChanges(request!.Name?.Trim(), request.Limits?.ToPatch(), request.RetentionDays, request.Active),
                cancellationToken)
            : null;
        return account is null ? AccountNotFound(accountId) : TypedResults.Ok(AccountResponse.From(account));
    }

    internal static async Task<Results<Ok<CreditAdjustmentResponse>, ApiErrorResult>> AdjustCreditsAsync(
        string accountId, AdjustCreditsRequest? request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsAccountId(accountId))
        {
            return AccountNotFound(accountId);
        }

        var amount = request!.Amount!.Value;
        var result = await grains.GetGrain<IAccountGrain>(accountId).AdjustCreditsAsync(amount, request.Reason!.Trim(), cancellationToken);
        return result switch
        {
            { Status: CreditAdjustmentStatus.Applied, Account: { } account, Entry: { } entry } =>
                TypedResults.Ok(new CreditAdjustmentResponse(account.AccountId, account.CreditBalance, account.ReservedCredits, LedgerEntryResponse.From(entry))),
            { Status: CreditAdjustmentStatus.InsufficientCredits, Account: { } account } =>
                new ApiErrorResult(ApiError.Of(
                    ErrorCodes.InsufficientCredits,
                    $"Cannot deduct {-amount} credits: the account has {account.CreditBalance}.",
                    new Dictionary<string, long> { ["creditBalance"] = account.CreditBalance, ["required"] = -amount })),
            _ => AccountNotFound(accountId),
        };
    }

    internal static async Task<Results<Ok<ListResponse<LedgerEntryResponse>>, ApiErrorResult>> ListLedgerAsync(
        string accountId, string? limit, string? cursor, IGrainFactory grains, IAccountReadModel accounts, CancellationToken cancellationToken)
    {
        if (!ListQuery.TryParse(limit, cursor, out var page, out var error))
        {
            return new ApiErrorResult(error!);
        }

        if (page.After is not null && !long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return new ApiErrorResult(ApiError.QueryValidation("cursor", "Not a cursor returned by this list."));
        }

        if (!ResourceIds.IsAccountId(accountId) || await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken) is null)
        {
            return AccountNotFound(accountId);
        }

        var entries = await accounts.ListLedgerAsync(accountId, page, cancellationToken);
        return TypedResults.Ok(entries.ToResponse(LedgerEntryResponse.From));
    }

    internal static async Task<Results<Created<IssuedApiKeyResponse>, ApiErrorResult>> IssueApiKeyAsync(
        string accountId, IssueApiKeyRequest? request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var issued = ResourceIds.IsAccountId(accountId)
            ? await grains.GetGrain<IAccountGrain>(accountId).IssueApiKeyAsync(request!.Name!.Trim(), cancellationToken)
            : null;
        if (issued is null)
        {
            return AccountNotFound(accountId);
        }

        var key = issued.Key;
        return TypedResults.Created(
            $"/admin/v1/accounts/{accountId}/keys/{key.KeyId}",
            new IssuedApiKeyResponse(key.KeyId, key.Name, issued.Secret, key.Prefix, key.CreatedAt));
    }

    internal static async Task<Results<Ok<ListResponse<ApiKeyResponse>>, ApiErrorResult>> ListApiKeysAsync(
        string accountId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var keys = ResourceIds.IsAccountId(accountId)
            ? await grains.GetGrain<IAccountGrain>(accountId).ListApiKeysAsync(cancellationToken)
            : null;
        return keys is null
            ? AccountNotFound(accountId)
            : TypedResults.Ok(new ListResponse<ApiKeyResponse>([.. keys.Select(ApiKeyResponse.From)], null, false, keys.Count));
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> RevokeApiKeyAsync(
        string accountId, string keyId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsAccountId(accountId))
        {
            return AccountNotFound(accountId);
        }

        var outcome = ResourceIds.IsApiKeyId(keyId)
            ? await grains.GetGrain<IAccountGrain>(accountId).RevokeApiKeyAsync(keyId, cancellationToken)
            : ApiKeyRevocation.KeyNotFound;
        return outcome switch
        {
            ApiKeyRevocation.Revoked or ApiKeyRevocation.AlreadyRevoked => TypedResults.NoContent(),
            ApiKeyRevocation.KeyNotFound => new ApiErrorResult(ApiError.Of(ErrorCodes.ApiKeyNotFound, $"API key '{keyId}' not found on account '{accountId}'.")),
            _ => AccountNotFound(accountId),
        };
    }

    internal static async Task<Results<Ok<AccountResponse>, ApiErrorResult>> SetLogoAsync(
        string accountId, HttpRequest request, IGrainFactory grains, AccountLogo logo, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsAccountId(accountId) || await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken) is null)
        {
            return AccountNotFound(accountId);
        }

        var (form, formError) = await MultipartForm.ReadAsync(request, maxFiles: 1, cancellationToken);
        if (formError is not null)
        {
            return new ApiErrorResult(formError);
        }

        if (!form!.Files.TryGetValue("file", out var file))
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.FileRequired));
        }

        var change = await logo.SetAsync(accountId, file.Content, cancellationToken);
        return change switch
        {
            { Refusal: { } refusal } => new ApiErrorResult(refusal),
            { Account: { } account } => TypedResults.Ok(AccountResponse.From(account)),
            _ => AccountNotFound(accountId),
        };
    }

    internal static async Task<Results<Ok<AccountResponse>, ApiErrorResult>> RemoveLogoAsync(
        string accountId, AccountLogo logo, CancellationToken cancellationToken)
    {
        var account = ResourceIds.IsAccountId(accountId) ? await logo.RemoveAsync(accountId, cancellationToken) : null;
        return account is null ? AccountNotFound(accountId) : TypedResults.Ok(AccountResponse.From(account));
    }

    internal static ApiErrorResult AccountNotFound(string accountId) =>
        new(ApiError.Of(ErrorCodes.AccountNotFound, $"Account '{accountId}' not found."));
}

/// <summary>The form of <c>PUT /admin/v1/accounts/{accountId}/logo</c> as the OpenAPI document shows it.</summary>
internal sealed class LogoForm
{
    /// <summary>The logo: a PNG, transparency kept.</summary>
    public required IFormFile File { get; init; }
}
