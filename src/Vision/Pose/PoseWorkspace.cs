using Microsoft.ML.OnnxRuntime;

namespace TryOn.Vision.Pose;

/// <summary>
/// The input and output tensors of one analysis, allocated once and reused: the arrays stay pinned behind their
/// <see cref="OrtValue"/>s, so a run writes into them and nothing is allocated per request for the models. One
/// workspace serves one analysis at a time; <see cref="People.PersonAnalyzer"/> keeps a pool of them.
/// </summary>
internal sealed class PoseWorkspace : IDisposable
{
    public const int DetectorInputSize = SsdAnchors.InputSize;
    public const int DetectorBoxes = 2254;
    public const int DetectorCoordinates = 12;
    public const int LandmarkInputSize = 256;
    public const int LandmarkValues = PoseLandmarker.ModelLandmarks * 5;
    public const int HeatmapSize = 64;

    private readonly OrtValue[] _values;

    public PoseWorkspace()
    {
        DetectorInput = new float[DetectorInputSize * DetectorInputSize * 3];
        DetectorBoxesOutput = new float[DetectorBoxes * DetectorCoordinates];
        DetectorScoresOutput = new float[DetectorBoxes];
        LandmarkInput = new float[LandmarkInputSize * LandmarkInputSize * 3];
        LandmarksOutput = new float[LandmarkValues];
        PoseFlagOutput = new float[1];
        SegmentationOutput = new float[LandmarkInputSize * LandmarkInputSize];
        HeatmapOutput = new float[HeatmapSize * HeatmapSize * PoseLandmarker.ModelLandmarks];

        DetectorInputs = [Tensor(DetectorInput, 1, DetectorInputSize, DetectorInputSize, 3)];
        DetectorOutputs = [Tensor(DetectorBoxesOutput, 1, DetectorBoxes, DetectorCoordinates), Tensor(DetectorScoresOutput, 1, DetectorBoxes, 1)];
        LandmarkInputs = [Tensor(LandmarkInput, 1, LandmarkInputSize, LandmarkInputSize, 3)];
        LandmarkOutputs =
        [
            Tensor(LandmarksOutput, 1, LandmarkValues),
            Tensor(PoseFlagOutput, 1, 1),
            Tensor(SegmentationOutput, 1, LandmarkInputSize, LandmarkInputSize, 1),
            Tensor(HeatmapOutput, 1, HeatmapSize, HeatmapSize, PoseLandmarker.ModelLandmarks),
        ];
        _values = [.. DetectorInputs, .. DetectorOutputs, .. LandmarkInputs, .. LandmarkOutputs];
    }

    public float[] DetectorInput { get; }

    public float[] DetectorBoxesOutput { get; }

    public float[] DetectorScoresOutput { get; }

    public float[] LandmarkInput { get; }

    public float[] LandmarksOutput { get; }

    public float[] PoseFlagOutput { get; }

    public float[] SegmentationOutput { get; }

    public float[] HeatmapOutput { get; }

    public OrtValue[] DetectorInputs { get; }

    public OrtValue[] DetectorOutputs { get; }

    public OrtValue[] LandmarkInputs { get; }

    public OrtValue[] LandmarkOutputs { get; }

    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }

    private static OrtValue Tensor(float[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);
}
