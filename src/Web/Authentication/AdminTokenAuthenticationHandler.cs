using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Telemetry;
using TryOn.Hosting.Operators;
using TryOn.Web.Errors;

namespace TryOn.Web.Authentication;

internal static class AdminTokenDefaults
{
    public const string AuthenticationScheme = "AdminToken";
}

/// <summary>
/// Authenticates operators by <c>Authorization: Bearer &lt;admin token&gt;</c>, and on the Orleans Dashboard's pages
/// (<see cref="OrleansDashboard.Path"/>), opened in a browser that cannot send a bearer header, by
/// <c>Basic</c> credentials whose password is the admin token (the browser asks for it). Merchant keys are never accepted
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
    private const string BasicPrefix = "Basic ";

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
        if (value is null || PresentedToken(value) is not { } token || !credential.Matches(token))
        {
            throttle.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("The admin token was rejected."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, AuthorizationPolicies.Admin)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    private bool IsDashboard => Request.Path.StartsWithSegments(OrleansDashboard.Path, StringComparison.OrdinalIgnoreCase);

    private string? PresentedToken(string value)
    {
        if (value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return value[BearerPrefix.Length..].Trim();
        }

        if (!IsDashboard || !value.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var decoded = new byte[value.Length];
        if (!Convert.TryFromBase64String(value[BasicPrefix.Length..].Trim(), decoded, out var length))
        {
            return null;
        }

        // user:password; the user name is anything, the password the admin token.
        var pair = Encoding.UTF8.GetString(decoded[..length]);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : pair[(colon + 1)..];
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (IsDashboard)
        {
            Response.Headers.WWWAuthenticate = "Basic realm=\"TryOn operators\", charset=\"UTF-8\"";
        }

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

        await ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(
            ErrorCodes.Unauthorized,
            result.Failure?.Message ?? (IsDashboard ? "The Orleans Dashboard needs the admin token: as the password (any user name), or as 'Authorization: Bearer <admin token>'." : null)));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ApiError.Of(ErrorCodes.Unauthorized));
}
