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

    /// <summary>
    /// Where to hand generations waiting on <paramref name="self"/> (its load now: <paramref name="own"/>): one entry per
    /// generation to move, to the posted, non-draining <paramref name="candidates"/> with the least work per slot. A move
    /// is planned only while the receiving silo, with it, still has less work per slot than this silo has without it;
    /// then half of those moves (rounded up) are made, because every loaded silo plans from the same reading and the
    /// receivers' next posts show what arrived. A draining silo (stopping) hands nothing off: once it has left, the
    /// loss recovery queues what it held on the others. Planned moves count as placements until the next reading.
    /// </summary>
    public IReadOnlyList<SiloAddress> PlanHandOffs(SiloAddress self, InferenceLoad own, IEnumerable<SiloAddress> candidates)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(candidates);
        if (own.Draining || own.Waiting == 0)
        {
            return [];
        }

        lock (_gate)
        {
            // Each receiver with the generations placed there since its reading and those this plan gives it.
            var receivers = candidates
                .Where(silo => !silo.Equals(self) && _loads.TryGetValue(silo, out var load) && !load.Draining)
                .Distinct()
                .ToDictionary(silo => silo, silo => _placedSince.GetValueOrDefault(silo));
            var plan = new List<SiloAddress>();
            while (plan.Count < own.Waiting && receivers.Count > 0)
            {
                var (receiver, placed) = receivers.MinBy(entry => _loads[entry.Key].Pressure(entry.Value + 1));
                if (_loads[receiver].Pressure(placed + 1) > own.Pressure(-(plan.Count + 1)))
                {
                    break;
                }

                plan.Add(receiver);
                receivers[receiver] = placed + 1;
            }

            var moves = plan.Take((plan.Count + 1) / 2).ToList();
            foreach (var receiver in moves)
            {
                _placedSince[receiver] = _placedSince.GetValueOrDefault(receiver) + 1;
            }

            return moves;
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
