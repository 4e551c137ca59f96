namespace TryOn.Contracts.Inference;

/// <summary>
/// A silo's inference work at one moment: generations waiting in its queue, running, its slots, and whether it is
/// draining (stopping: it takes no new work).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.inference.InferenceLoad")]
public sealed record InferenceLoad(
    [property: Id(0)] int Waiting,
    [property: Id(1)] int Running,
    [property: Id(2)] int Slots,
    [property: Id(3)] bool Draining = false)
{
    /// <summary>
    /// Work per slot, counting <paramref name="placedSince"/> generations placed there since the report; a draining
    /// silo is never preferred.
    /// </summary>
    public double Pressure(int placedSince) =>
        Draining ? double.PositiveInfinity : (Waiting + Running + placedSince) / (double)Math.Max(1, Slots);
}
