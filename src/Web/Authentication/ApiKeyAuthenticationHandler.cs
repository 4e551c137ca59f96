using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;

namespace TryOn.Web.Authentication;

/// <summary>
/// Authenticates merchants by <c>x-api-key</c>. No header is "no result" (<c>MISSING_API_KEY</c> on challenge);
/// a doubled header, a malformed, unknown or revoked key, or an inactive account is a failure (<c>INVALID_API_KEY</c>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyResolver resolver) : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[ApiKeyDefaults.HeaderName];
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0])))
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1)
        {
            return AuthenticateResult.Fail("Send exactly one x-api-key header.");
        }

        var identity = await resolver.ResolveAsync(values[0]!, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail(ErrorCatalog.Get(ErrorCodes.InvalidApiKey).DefaultMessage);
        }

        var claims = new ClaimsIdentity(
            [new Claim(TryOnClaims.AccountId, identity.AccountId), new Claim(TryOnClaims.ApiKeyId, identity.KeyId)],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(claims), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var error = result.None
            ? ApiError.Of(ErrorCodes.MissingApiKey)
            : ApiError.Of(ErrorCodes.InvalidApiKey, result.Failure?.Message);
        await ErrorEnvelopeWriter.WriteAsync(Context, error);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Forbidden));
}
