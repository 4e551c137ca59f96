namespace TryOn.Vision.Pose;

/// <summary>
/// The region the landmark model looks at, from a detection, as mediapipe/modules/pose_landmark/pose_detection_to_roi.pbtxt
/// defines it: <c>AlignmentPointsRectsCalculator</c> centres a square on keypoint 0 (mid-hip) with a side of twice its
/// distance to keypoint 1 and turns it so that keypoint 1 is straight up (target angle 90°,
/// mediapipe/calculators/util/alignment_points_to_rects_calculator.cc and detections_to_rects_calculator.cc); then
/// <c>RectTransformationCalculator</c> makes it square on its long side and scales it by 1.25
/// (mediapipe/calculators/util/rect_transformation_calculator.cc).
/// </summary>
internal static class PoseRegion
{
    private const float Scale = 1.25f;
    private const float TargetAngle = MathF.PI / 2;

    public static RotatedRect FromDetection(PoseDetection detection, int frameWidth, int frameHeight)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var centre = detection.Keypoints[0];
        var scalePoint = detection.Keypoints[1];
        var x0 = centre.X * frameWidth;
        var y0 = centre.Y * frameHeight;
        var x1 = scalePoint.X * frameWidth;
        var y1 = scalePoint.Y * frameHeight;
        var side = 2 * MathF.Sqrt(((x1 - x0) * (x1 - x0)) + ((y1 - y0) * (y1 - y0)));
        var rotation = NormalizeRadians(TargetAngle - MathF.Atan2(-(y1 - y0), x1 - x0));
        // Square already, in pixels; the long side is the side.
        return new RotatedRect(x0, y0, side * Scale, side * Scale, rotation);
    }

    /// <summary>Into [-π, π), as MediaPipe's <c>NormalizeRadians</c>.</summary>
    private static float NormalizeRadians(float angle) =>
        angle - (2 * MathF.PI * MathF.Floor((angle + MathF.PI) / (2 * MathF.PI)));
}
