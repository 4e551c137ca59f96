using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using TryOn.Client.Errors;

namespace TryOn.Client.Http;

/// <summary>
/// The resilience pipeline around every call: a limit on the whole call, retries with jittered exponential backoff
/// (or the answer's <c>Retry-After</c>) for the answers <see cref="RetryableErrors"/> names and for transport
/// failures, and a limit on each attempt. Creating calls carry an <c>Idempotency-Key</c>, so a retry is done once.
/// </summary>
internal static class TryOnResilience
{
    public const string PipelineName = "TryOn";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TryOnClientOptions options)
    {
        pipeline.AddTimeout(options.CallTimeout);
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.AttemptNumber, options, args.Context.CancellationToken),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } answer ? ErrorAnswers.RetryAfter(answer) : null),
            });
        }

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    public static ResiliencePipeline<HttpResponseMessage> Build(TryOnClientOptions options)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        Configure(pipeline, options);
        return pipeline.Build();
    }

    private static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, int retriesSoFar, TryOnClientOptions options, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case { Exception: HttpRequestException or TimeoutRejectedException }:
                return true;
            case { Result: { IsSuccessStatusCode: false } answer } when MayBeRetryable(answer.StatusCode):
                if (ErrorAnswers.RetryAfter(answer) > options.MaxRetryAfter)
                {
                    return false;
                }

                var (code, details) = await ErrorAnswers.PeekAsync(answer, cancellationToken).ConfigureAwait(false);
                return RetryableErrors.ShouldRetry(answer.StatusCode, code, details, retriesSoFar);
            default:
                return false;
        }
    }

    /// <summary>The statuses a retryable code comes with; other answers are not read here.</summary>
    private static bool MayBeRetryable(HttpStatusCode status) => status is HttpStatusCode.PaymentRequired
        or HttpStatusCode.RequestTimeout
        or HttpStatusCode.Conflict
        or HttpStatusCode.TooManyRequests
        or >= HttpStatusCode.InternalServerError;
}
