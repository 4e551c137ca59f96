using System.Collections.Immutable;

namespace TryOn.Contracts.Inference;

/// <summary>
/// The cluster's notice board of inference load (one activation, key <see cref="Key"/>): every silo posts its load
/// each second and reads everyone's back, which its placement director uses. Kept in memory; a lost board is
/// rebuilt by the next round of posts.
/// </summary>
[Alias("tryon.inference.IInferenceLoadBoardGrain")]
public interface IInferenceLoadBoardGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary>Records <paramref name="silo"/>'s load and answers the load of every silo that posted recently.</summary>
    [Alias("Post")]
    Task<ImmutableDictionary<SiloAddress, InferenceLoad>> PostAsync(SiloAddress silo, InferenceLoad load);
}
