using System.Collections.Immutable;
using TryOn.Contracts.Inference;

namespace TryOn.Grains.Inference;

internal sealed class InferenceLoadBoardGrain(TimeProvider time) : Grain, IInferenceLoadBoardGrain
{
    /// <summary>Posts older than this are from silos that stopped posting (stopped or dead) and are dropped.</summary>
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    private readonly Dictionary<SiloAddress, (InferenceLoad Load, DateTimeOffset PostedAt)> _posts = [];

    public Task<ImmutableDictionary<SiloAddress, InferenceLoad>> PostAsync(SiloAddress silo, InferenceLoad load)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(load);
        var now = time.GetUtcNow();
        _posts[silo] = (load, now);
        foreach (var stale in _posts.Where(post => now - post.Value.PostedAt > Freshness).Select(post => post.Key).ToList())
        {
            _posts.Remove(stale);
        }

        return Task.FromResult(_posts.ToImmutableDictionary(post => post.Key, post => post.Value.Load));
    }
}
