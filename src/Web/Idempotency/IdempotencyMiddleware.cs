using TryOn.Contracts.Errors;
using TryOn.Contracts.Idempotency;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on the endpoints marked with <see cref="IdempotentEndpointMetadata"/> (docs/api.md,
/// "Idempotent requests"; Stripe's semantics): the first request with a key runs and its answer is kept for 24 h;
/// the same request again gets that answer (header <c>Idempotent-Replayed: true</c>), another request with the key
/// 422 <c>IDEMPOTENCY_KEY_REUSED</c>, and one that arrives while the first still runs 409
/// <c>IDEMPOTENCY_KEY_IN_USE</c>. A server error (5xx) is not kept: the key is free for a retry of the same request,
/// which keeps the reference of what the first attempt may have created (<see cref="IdempotentRequest"/>).
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, IGrainFactory grains, ILogger<IdempotencyMiddleware> logger)
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpointMetadata>() is null
            || !context.Request.Headers.TryGetValue(IdempotencyKeys.Header, out var values)
            || context.User.FindFirst(TryOnClaims.AccountId)?.Value is not { } accountId)
        {
            await next(context);
            return;
        }

        if (values.Count != 1 || values[0] is not { } key || !IdempotencyKeys.IsValid(key))
        {
            await ErrorEnvelopeWriter.WriteAsync(context, ApiError.Validation(
                IdempotencyKeys.Header, $"Expected one key of 1 to {IdempotencyKeys.MaxLength} visible ASCII characters, without leading or trailing spaces."));
            return;
        }

        var fingerprint = await RequestFingerprint.ComputeAsync(context.Request, context.RequestAborted);
        var grain = grains.GetGrain<IIdempotencyKeyGrain>(IdempotencyKeys.GrainKey(accountId, key));
        var claim = await grain.BeginAsync(fingerprint, CancellationToken.None);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context, claim.Answer!);
                return;
            case IdempotencyOutcome.InUse:
                await ErrorEnvelopeWriter.WriteAsync(context, ApiError.Of(ErrorCodes.IdempotencyKeyInUse, null));
                return;
            case IdempotencyOutcome.Reused:
                await ErrorEnvelopeWriter.WriteAsync(context, ApiError.Of(ErrorCodes.IdempotencyKeyReused, null));
                return;
        }

        var request = new IdempotentRequest(claim.Reference!);
        context.Features.Set(request);
        var original = context.Response.Body;
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = original;
            await grain.ReleaseAsync(claim.Claim, keepReference: true, CancellationToken.None);
            throw;
        }

        context.Response.Body = original;
        var response = context.Response;
        try
        {
            if (response.StatusCode >= StatusCodes.Status500InternalServerError)
            {
                await grain.ReleaseAsync(claim.Claim, keepReference: !request.NothingCreated, CancellationToken.None);
            }
            else
            {
                await grain.CompleteAsync(
                    claim.Claim,
                    new StoredAnswer(response.StatusCode, response.ContentType, response.Headers.Location.FirstOrDefault(), answer.ToArray()),
                    CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The request is done and its answer goes out. The key stays held until its lease ends; a retry then runs
            // again under the same reference (a try-on finds the generation this one admitted).
            LogKeyNotUpdated(logger, exception, response.StatusCode);
        }

        answer.Position = 0;
        await answer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, StoredAnswer answer)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        response.ContentType = answer.ContentType;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        response.Headers[ReplayedHeader] = "true";
        await response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    [LoggerMessage(1, LogLevel.Warning, "A request's answer ({Status}) could not be recorded on its Idempotency-Key; the key is held until its lease ends")]
    private static partial void LogKeyNotUpdated(ILogger logger, Exception exception, int status);
}

/// <summary>
/// The idempotency of the request being served, for an endpoint that creates something: <see cref="Reference"/> names
/// it the same way on every retry of the same request; the endpoint sets <see cref="NothingCreated"/> when it knows
/// nothing was made under it (so a retry after a server error starts afresh).
/// </summary>
internal sealed class IdempotentRequest(string reference)
{
    public string Reference { get; } = reference;

    public bool NothingCreated { get; set; }
}

/// <summary>Marks an endpoint that honours <c>Idempotency-Key</c>.</summary>
internal sealed class IdempotentEndpointMetadata
{
    public static IdempotentEndpointMetadata Instance { get; } = new();
}

internal static class IdempotencyExtensions
{
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.UseMiddleware<IdempotencyMiddleware>();

    /// <summary>The endpoint honours <c>Idempotency-Key</c> (docs/api.md).</summary>
    public static TBuilder AcceptsIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .WithMetadata(IdempotentEndpointMetadata.Instance)
            .ProducesErrors(ErrorCodes.IdempotencyKeyReused, ErrorCodes.IdempotencyKeyInUse, ErrorCodes.ValidationFailed);
}
