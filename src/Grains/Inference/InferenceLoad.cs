namespace TryOn.Grains.Inference;

/// <summary>A silo's inference work at one moment: generations waiting in its queue, running, and its slots.</summary>
[GenerateSerializer, Immutable, Alias("tryon.inference.InferenceLoad")]
public sealed record InferenceLoad(
    [property: Id(0)] int Waiting,
    [property: Id(1)] int Running,
    [property: Id(2)] int Slots)
{
    /// <summary>Work per slot, counting <paramref name="placedSince"/> generations placed there since the report.</summary>
    public double Pressure(int placedSince) => (Waiting + Running + placedSince) / (double)Math.Max(1, Slots);
}
