using System.Collections.Immutable;
using TryOn.Contracts.Inference;

namespace TryOn.Grains.Inference;

/// <summary>
/// This silo's picture of the cluster's inference load: the last board reading, plus the generations this silo
/// placed since (so that a burst between two readings spreads instead of piling onto the silo that looked idlest).
/// </summary>
internal sealed class ClusterInferenceLoad
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<SiloAddress, InferenceLoad> _loads = ImmutableDictionary<SiloAddress, InferenceLoad>.Empty;
    private readonly Dictionary<SiloAddress, int> _placedSince = [];

    /// <summary>The last board reading.</summary>
    public ImmutableDictionary<SiloAddress, InferenceLoad> Loads => Volatile.Read(ref _loads);

    public void Update(ImmutableDictionary<SiloAddress, InferenceLoad> loads)
    {
        lock (_gate)
        {
            _loads = loads;
            _placedSince.Clear();
        }
    }

    /// <summary>
    /// The candidate with the least work per slot. A silo that has not posted (still starting, or stopped posting)
    /// ranks after every silo that has, and a draining one last. Ties go to the first candidate in
    /// <paramref name="tieBreak"/> order, so callers pass a random source.
    /// </summary>
    public SiloAddress Choose(IReadOnlyList<SiloAddress> candidates, Random tieBreak)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        lock (_gate)
        {
            var ranked = candidates
                .OrderBy(silo => Rank(silo))
                .ThenBy(_ => tieBreak.Next())
                .First();
            _placedSince[ranked] = _placedSince.GetValueOrDefault(ranked) + 1;
            return ranked;
        }
    }

    /// <summary>Posted and not draining: the pressure; not posted: after all of those; draining: last.</summary>
    private (int Tier, double Pressure) Rank(SiloAddress silo)
    {
        var placed = _placedSince.GetValueOrDefault(silo);
        return _loads.TryGetValue(silo, out var load)
            ? (load.Draining ? 2 : 0, load.Pressure(placed))
            : (1, placed);
    }
}
