using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Telemetry;
using TryOn.Web.Errors;

namespace TryOn.Web.Authentication;

internal static class AdminTokenDefaults
{
    public const string AuthenticationScheme = "AdminToken";
}

/// <summary>
/// Authenticates operators by <c>Authorization: Bearer &lt;admin token&gt;</c>. Merchant keys are never accepted
/// here: whatever is missing or wrong answers <c>UNAUTHORIZED</c>. Wrong tokens count against the client address
/// (<see cref="AdminTokenThrottle"/>); an address past its allowance is answered <c>RATE_LIMITED</c> without its
/// token being looked at.
/// </summary>
internal sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredential credential,
    AdminTokenThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>Set when this request's address is refused: how long until it may try again. The challenge answers 429.</summary>
    private TimeSpan? _refusedFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[HeaderNames.Authorization];
        if (values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var address = Context.Connection.RemoteIpAddress;
        if (throttle.IsRefused(address, out var retryAfter))
        {
            _refusedFor = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong admin tokens from this address."));
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !credential.Matches(value[BearerPrefix.Length..].Trim()))
        {
            throttle.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("The admin token was rejected."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, AuthorizationPolicies.Admin)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (_refusedFor is { } refusedFor)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(refusedFor.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            TryOnMetrics.RateLimited("adminToken");
            await ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(
                ErrorCodes.RateLimited,
                $"{result.Failure?.Message} Retry after {seconds} s.",
                new Dictionary<string, object>
                {
                    ["limit"] = throttle.Limit,
                    ["retryAfterSeconds"] = seconds,
                    ["class"] = "adminToken",
                }));
            return;
        }

        await ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Unauthorized, result.Failure?.Message));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Unauthorized));
}
