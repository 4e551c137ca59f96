using System.Collections.Immutable;

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
    /// The candidate with the least work per slot; a silo that has not posted yet counts as idle with one slot. Ties
    /// go to the first candidate in <paramref name="tieBreak"/> order, so callers pass a shuffled list.
    /// </summary>
    public SiloAddress Choose(IReadOnlyList<SiloAddress> candidates, Random tieBreak)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        lock (_gate)
        {
            SiloAddress? best = null;
            var bestPressure = double.MaxValue;
            foreach (var silo in candidates.OrderBy(_ => tieBreak.Next()))
            {
                var placed = _placedSince.GetValueOrDefault(silo);
                var pressure = _loads.TryGetValue(silo, out var load) ? load.Pressure(placed) : placed;
                if (pressure < bestPressure)
                {
                    (best, bestPressure) = (silo, pressure);
                }
            }

            _placedSince[best!] = _placedSince.GetValueOrDefault(best!) + 1;
            return best!;
        }
    }
}
