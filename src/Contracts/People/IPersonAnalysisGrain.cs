namespace TryOn.Contracts.People;

/// <summary>
/// Sees the person in a shopper photo (MediaPipe BlazePose through ONNX Runtime): runs where the models are (on the
/// silos; in the one process in embedded mode), a stateless worker on each. Called once per stored shopper photo,
/// before it is stored, because the 4:5 crop follows the person.
/// </summary>
[Alias("tryon.people.IPersonAnalysisGrain")]
public interface IPersonAnalysisGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The person in <paramref name="photo"/> and the crop to store it with: the person-aware 4:5 crop when
    /// <paramref name="cropToPortrait"/>, else the whole photo.
    /// </summary>
    [Alias("Analyze")]
    Task<PersonReading> AnalyzeAsync(PersonPhoto photo, bool cropToPortrait, CancellationToken cancellationToken = default);
}
