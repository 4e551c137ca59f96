using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Idempotency;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Idempotency;

[GenerateSerializer, Alias("tryon.idempotency.IdempotencyKeyState")]
internal sealed class IdempotencyKeyState
{
    /// <summary>The request the key was first used for; empty while the key is unused.</summary>
    [Id(0)] public string Fingerprint { get; set; } = "";

    [Id(1)] public DateTimeOffset FirstUsedAt { get; set; }

    /// <summary>The request running under the key now, if any, and until when it may hold it.</summary>
    [Id(2)] public Guid RunningClaim { get; set; }

    [Id(3)] public DateTimeOffset LeaseUntil { get; set; }

    [Id(4)] public StoredAnswer? Answer { get; set; }

    /// <summary>What the request names what it creates with, kept across retries of the same request.</summary>
    [Id(5)] public string? Reference { get; set; }
}

/// <summary>
/// The single writer of one key: checks a request against the key's first request, lets one run at a time, keeps
/// its answer. A key past <see cref="IdempotencyKeys.Lifetime"/> is forgotten (its state cleared) when next used.
/// </summary>
internal sealed class IdempotencyKeyGrain(
    [PersistentState("idempotency", StorageNames.Grains)] IPersistentState<IdempotencyKeyState> state,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock) : Grain, IIdempotencyKeyGrain
{
    private IdempotencyKeyState Key => state.State;

    public async Task<IdempotencyClaim> BeginAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        var now = clock.GetUtcNow();
        if (Key.Fingerprint.Length > 0 && now - Key.FirstUsedAt >= IdempotencyKeys.Lifetime)
        {
            await state.ClearStateAsync(CancellationToken.None);
            state.State = new IdempotencyKeyState();
        }

        if (Key.Fingerprint.Length > 0 && !string.Equals(Key.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            return new IdempotencyClaim(IdempotencyOutcome.Reused, Guid.Empty, null, null);
        }

        if (Key.Answer is { } answer)
        {
            return new IdempotencyClaim(IdempotencyOutcome.Replay, Guid.Empty, null, answer);
        }

        if (Key.RunningClaim != Guid.Empty && now < Key.LeaseUntil)
        {
            return new IdempotencyClaim(IdempotencyOutcome.InUse, Guid.Empty, null, null);
        }

        // New, released, or held by a request whose lease ran out (its gateway died): this request runs.
        if (Key.Fingerprint.Length == 0)
        {
            Key.Fingerprint = fingerprint;
            Key.FirstUsedAt = now;
        }

        Key.RunningClaim = Guid.NewGuid();
        Key.LeaseUntil = now + IdempotencyKeys.Lease;
        Key.Reference ??= Ulid.NewUlid(clock).ToLowerInvariant();
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return new IdempotencyClaim(IdempotencyOutcome.Proceed, Key.RunningClaim, Key.Reference, null);
    }

    public async Task CompleteAsync(Guid claim, StoredAnswer answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (claim != Key.RunningClaim || Key.Answer is not null)
        {
            // A request that lost its lease to a retry: the retry's answer is the one kept.
            return;
        }

        Key.Answer = answer;
        Key.RunningClaim = Guid.Empty;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public async Task ReleaseAsync(Guid claim, bool keepReference, CancellationToken cancellationToken = default)
    {
        if (claim != Key.RunningClaim)
        {
            return;
        }

        Key.RunningClaim = Guid.Empty;
        if (!keepReference)
        {
            Key.Reference = null;
        }

        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }
}
