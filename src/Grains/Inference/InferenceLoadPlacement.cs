using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace TryOn.Grains.Inference;

/// <summary>
/// Places a grain on the compatible silo with the least inference work per slot, so generations (whose grain
/// queues them on its own silo's scheduler) spread over the cluster instead of queueing on one silo; a placement hint
/// (a hand-off to a named silo) comes first.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.inference.InferenceLoadPlacement")]
public sealed class InferenceLoadPlacement : PlacementStrategy
{
    internal static InferenceLoadPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="InferenceLoadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class InferenceLoadPlacementAttribute() : PlacementAttribute(InferenceLoadPlacement.Instance);

internal sealed class InferenceLoadPlacementDirector(ClusterInferenceLoad load) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = context.GetCompatibleSilos(target);
        // A hand-off names its receiver (InferenceQueueBalancer); the hint is taken while that silo is compatible.
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, candidates) is { } hinted)
        {
            return Task.FromResult(hinted);
        }

        return Task.FromResult(candidates.Length == 1 ? candidates[0] : load.Choose(candidates, Random.Shared));
    }
}
