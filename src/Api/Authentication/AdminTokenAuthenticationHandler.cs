using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TryOn.Api.Errors;
using TryOn.Grains.Errors;

namespace TryOn.Api.Authentication;

internal static class AdminTokenDefaults
{
    public const string AuthenticationScheme = "AdminToken";
}

/// <summary>
/// Authenticates operators by <c>Authorization: Bearer &lt;admin token&gt;</c>. Merchant keys are never accepted
/// here: whatever is missing or wrong answers <c>UNAUTHORIZED</c>.
/// </summary>
internal sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredential credential) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[HeaderNames.Authorization];
        if (values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !credential.Matches(value[BearerPrefix.Length..].Trim()))
        {
            return Task.FromResult(AuthenticateResult.Fail("The admin token was rejected."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, AuthorizationPolicies.Admin)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Unauthorized, result.Failure?.Message));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Unauthorized));
}
