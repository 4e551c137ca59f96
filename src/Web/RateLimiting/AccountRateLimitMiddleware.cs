using System.Globalization;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Telemetry;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.RateLimiting;

/// <summary>
/// Spends one token of the caller's account budget before an endpoint marked with
/// <see cref="AccountRateLimitMetadata"/> runs: reads (GET, HEAD) from the read budget, everything else from the
/// write budget. Over budget, the request ends here with 429 <c>RATE_LIMITED</c> before its body is read.
/// </summary>
internal sealed class AccountRateLimitMiddleware(RequestDelegate next, AccountRateLimiter limiter)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AccountRateLimitMetadata>() is null
            || context.User.FindFirst(TryOnClaims.AccountId)?.Value is not { } accountId)
        {
            await next(context);
            return;
        }

        var method = context.Request.Method;
        var requestClass = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? RequestClass.Read : RequestClass.Write;
        var decision = await limiter.AcquireAsync(accountId, requestClass);
        var headers = context.Response.Headers;
        headers[LimitHeader] = decision.PerMinute.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        if (decision.IsAllowed)
        {
            await next(context);
            return;
        }

        headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var budget = requestClass == RequestClass.Read ? "reads" : "writes";
        TryOnMetrics.RateLimited(budget);
        await ErrorEnvelopeWriter.WriteAsync(context, ApiError.Of(
            ErrorCodes.RateLimited,
            $"The account's {budget} budget of {decision.PerMinute} requests per minute is spent. Retry after {decision.RetryAfterSeconds} s.",
            new Dictionary<string, object>
            {
                ["limit"] = decision.PerMinute,
                ["retryAfterSeconds"] = decision.RetryAfterSeconds,
                ["class"] = budget,
            }));
    }
}

/// <summary>Marks endpoints whose calls spend the calling account's request budget.</summary>
internal sealed class AccountRateLimitMetadata
{
    public static AccountRateLimitMetadata Instance { get; } = new();
}
