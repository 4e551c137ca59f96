using Microsoft.ML.OnnxRuntime;

namespace TryOn.Vision.Pose;

/// <summary>
/// The landmark model of mediapipe/modules/pose_landmark/pose_landmark_by_roi_cpu.pbtxt on ONNX Runtime: the rotated
/// region cut into 256x256 (edge pixels repeated, values in [0, 1]), the model, then
/// tensors_to_pose_landmarks_and_segmentation.pbtxt: the pose flag (already a probability) must reach 0.5; 39
/// landmarks of 5 values (x, y, z in input pixels, visibility and presence as logits through a sigmoid,
/// <c>TensorsToLandmarksCalculator</c>), refined on the 64x64 heatmap with a 7x7 kernel
/// (<c>RefineLandmarksFromHeatmapCalculator</c>, mediapipe/calculators/util/refine_landmarks_from_heatmap_calculator.cc),
/// projected back into the frame (<c>LandmarkProjectionCalculator</c>); the segmentation logits through a sigmoid.
/// Landmarks 33 and 34 are auxiliary (they place the next frame's region in video) and are not kept.
/// </summary>
internal sealed class PoseLandmarker(InferenceSession session)
{
    public const string InputName = "input_1";
    public const string LandmarksOutputName = "Identity";
    public const string PoseFlagOutputName = "Identity_1";
    public const string SegmentationOutputName = "Identity_2";
    public const string HeatmapOutputName = "Identity_3";

    /// <summary>The 33 body landmarks and 6 auxiliary points the model predicts.</summary>
    public const int ModelLandmarks = 39;

    private const int InputSize = PoseWorkspace.LandmarkInputSize;
    private const float MinPoseScore = 0.5f;
    private const int HeatmapKernel = 7;
    private const float MinConfidenceToRefine = 0.5f;

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [LandmarksOutputName, PoseFlagOutputName, SegmentationOutputName, HeatmapOutputName];

    /// <summary>The person in <paramref name="region"/>, or null when the model says no pose is there.</summary>
    public PoseObservation? Locate(RgbFrame frame, RotatedRect region, float detectionScore, PoseWorkspace workspace, RunOptions runOptions)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        RegionSampler.Sample(frame, region, workspace.LandmarkInput, InputSize, InputSize, 0f, 1f, BorderMode.Replicate);
        session.Run(runOptions, InputNames, workspace.LandmarkInputs, OutputNames, workspace.LandmarkOutputs);

        var poseScore = workspace.PoseFlagOutput[0];
        if (!(poseScore >= MinPoseScore))
        {
            return null;
        }

        var raw = workspace.LandmarksOutput;
        var landmarks = new PoseLandmark[BodyLandmarks.Count];
        for (var i = 0; i < landmarks.Length; i++)
        {
            var u = raw[i * 5] / InputSize;
            var v = raw[(i * 5) + 1] / InputSize;
            (u, v) = Refine(workspace.HeatmapOutput, i, u, v);
            var (x, y) = region.ToFrame(u, v);
            landmarks[i] = new PoseLandmark(
                x / frame.Width,
                y / frame.Height,
                raw[(i * 5) + 2] / InputSize * region.Width / frame.Width,
                Sigmoid(raw[(i * 5) + 3]),
                Sigmoid(raw[(i * 5) + 4]));
        }

        var segmentation = new byte[InputSize * InputSize];
        var logits = workspace.SegmentationOutput;
        for (var i = 0; i < segmentation.Length; i++)
        {
            segmentation[i] = (byte)MathF.Round(Sigmoid(logits[i]) * 255f);
        }

        return new PoseObservation(detectionScore, poseScore, region, landmarks, segmentation, frame.Width, frame.Height);
    }

    /// <summary>
    /// The sigmoid-weighted mean position of the heatmap around the landmark, when the heatmap is confident enough
    /// there; otherwise the landmark as it is. Positions in fractions of the region.
    /// </summary>
    private static (float U, float V) Refine(ReadOnlySpan<float> heatmap, int landmark, float u, float v)
    {
        const int Size = PoseWorkspace.HeatmapSize;
        // Truncation toward zero, as the C++ int conversion does.
        var centreColumn = (int)(u * Size);
        var centreRow = (int)(v * Size);
        if (centreColumn < 0 || centreColumn >= Size || centreRow < 0 || centreRow >= Size)
        {
            return (u, v);
        }

        const int Offset = (HeatmapKernel - 1) / 2;
        float sum = 0, weightedColumn = 0, weightedRow = 0, maxConfidence = 0;
        for (var row = Math.Max(0, centreRow - Offset); row < Math.Min(Size, centreRow + Offset + 1); row++)
        {
            for (var column = Math.Max(0, centreColumn - Offset); column < Math.Min(Size, centreColumn + Offset + 1); column++)
            {
                var confidence = Sigmoid(heatmap[(((row * Size) + column) * ModelLandmarks) + landmark]);
                sum += confidence;
                maxConfidence = MathF.Max(maxConfidence, confidence);
                weightedColumn += column * confidence;
                weightedRow += row * confidence;
            }
        }

        return maxConfidence >= MinConfidenceToRefine && sum > 0
            ? (weightedColumn / Size / sum, weightedRow / Size / sum)
            : (u, v);
    }

    private static float Sigmoid(float value) => 1f / (1f + MathF.Exp(-value));
}
