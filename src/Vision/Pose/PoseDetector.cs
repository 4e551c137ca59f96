using Microsoft.ML.OnnxRuntime;

namespace TryOn.Vision.Pose;

/// <summary>
/// The person detector of mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt on ONNX Runtime: the whole frame
/// letterboxed into 224x224 (aspect kept, black borders, values in [-1, 1]), the model, then
/// <c>TensorsToDetectionsCalculator</c>'s decoding (box and keypoints as x, y, w, h order since
/// <c>reverse_output_order</c> is set, scaled by 224 and offset by the anchor; scores clipped to ±100, then a sigmoid;
/// at least 0.5) (mediapipe/calculators/tensor/tensors_to_detections_calculator.cc), weighted non-maximum suppression
/// at IoU 0.3 and the letterbox taken off again (<c>DetectionLetterboxRemovalCalculator</c>).
/// </summary>
internal sealed class PoseDetector(InferenceSession session)
{
    public const string InputName = "input_1";

    /// <summary>[1, 2254, 12]: per anchor the box (x, y, w, h) and 4 keypoints (x, y), in input pixels.</summary>
    public const string BoxesOutputName = "Identity";

    /// <summary>[1, 2254, 1]: per anchor the person score, a logit.</summary>
    public const string ScoresOutputName = "Identity_1";

    private const float Scale = SsdAnchors.InputSize;
    private const float ScoreClipping = 100f;
    private const float MinScore = 0.5f;
    private const float OverlapThreshold = 0.3f;

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [BoxesOutputName, ScoresOutputName];

    /// <summary>The people found in <paramref name="frame"/>, best first, in fractions of the frame.</summary>
    public List<PoseDetection> Detect(RgbFrame frame, PoseWorkspace workspace, RunOptions runOptions) =>
        Detect(frame, Letterbox(frame), workspace, runOptions);

    /// <summary>
    /// The people found in the square <paramref name="window"/> of <paramref name="frame"/> (in its pixels, upright,
    /// possibly reaching past its edges, which read as black), best first, in fractions of the whole frame.
    /// </summary>
    public List<PoseDetection> Detect(RgbFrame frame, RotatedRect window, PoseWorkspace workspace, RunOptions runOptions)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        RegionSampler.Sample(frame, window, workspace.DetectorInput, SsdAnchors.InputSize, SsdAnchors.InputSize, -1f, 1f, BorderMode.Zero);
        session.Run(runOptions, InputNames, workspace.DetectorInputs, OutputNames, workspace.DetectorOutputs);

        var found = Decode(workspace.DetectorBoxesOutput, workspace.DetectorScoresOutput);
        var merged = WeightedNonMaxSuppression.Apply(found, OverlapThreshold);

        // From fractions of the window to fractions of the frame (for the letterbox: the padding taken off again).
        var left = window.CenterX - (window.Width / 2);
        var top = window.CenterY - (window.Height / 2);
        float X(float u) => (left + (u * window.Width)) / frame.Width;
        float Y(float v) => (top + (v * window.Height)) / frame.Height;
        return merged.ConvertAll(detection => new PoseDetection(
            detection.Score,
            X(detection.XMin),
            Y(detection.YMin),
            detection.Width * window.Width / frame.Width,
            detection.Height * window.Height / frame.Height,
            [.. detection.Keypoints.Select(point => new NormalizedPoint(X(point.X), Y(point.Y)))]));
    }

    /// <summary>The whole frame in a square around its centre, the way the letterbox shows it to the model.</summary>
    public static RotatedRect Letterbox(RgbFrame frame)
    {
        var side = Math.Max(frame.Width, frame.Height);
        return new RotatedRect(frame.Width / 2f, frame.Height / 2f, side, side, 0);
    }

    private static List<PoseDetection> Decode(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores)
    {
        var anchors = SsdAnchors.PoseDetector;
        var found = new List<PoseDetection>();
        for (var i = 0; i < anchors.Length; i++)
        {
            var score = Sigmoid(Math.Clamp(scores[i], -ScoreClipping, ScoreClipping));
            if (score < MinScore)
            {
                continue;
            }

            var raw = boxes.Slice(i * PoseWorkspace.DetectorCoordinates, PoseWorkspace.DetectorCoordinates);
            var anchor = anchors[i];
            var centreX = (raw[0] / Scale) + anchor.X;
            var centreY = (raw[1] / Scale) + anchor.Y;
            var width = raw[2] / Scale;
            var height = raw[3] / Scale;
            if (!(width >= 0 && height >= 0))
            {
                // Negative or NaN sizes are dropped, as MediaPipe does.
                continue;
            }

            var keypoints = new NormalizedPoint[PoseDetection.KeypointCount];
            for (var k = 0; k < keypoints.Length; k++)
            {
                keypoints[k] = new NormalizedPoint((raw[4 + (2 * k)] / Scale) + anchor.X, (raw[5 + (2 * k)] / Scale) + anchor.Y);
            }

            found.Add(new PoseDetection(score, centreX - (width / 2), centreY - (height / 2), width, height, keypoints));
        }

        return found;
    }

    private static float Sigmoid(float value) => 1f / (1f + MathF.Exp(-value));
}
