namespace TryOn.Vision.Pose;

/// <summary>A point as fractions of a frame's width and height.</summary>
public readonly record struct NormalizedPoint(float X, float Y);

/// <summary>
/// One person found by the detector, in fractions of the frame: the box and its four alignment keypoints (0 the
/// middle of the hips, 1 the point whose distance from it sizes the whole body and gives its direction, 2 the middle
/// of the shoulders, 3 the upper-body point), as <c>pose_detection.tflite</c> predicts them.
/// </summary>
public sealed record PoseDetection(float Score, float XMin, float YMin, float Width, float Height, IReadOnlyList<NormalizedPoint> Keypoints)
{
    public const int KeypointCount = 4;

    /// <summary>Intersection over union of the two boxes (MediaPipe's <c>OverlapSimilarity</c>); 0 when either is empty.</summary>
    public float Overlap(PoseDetection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var left = MathF.Max(XMin, other.XMin);
        var top = MathF.Max(YMin, other.YMin);
        var right = MathF.Min(XMin + Width, other.XMin + other.Width);
        var bottom = MathF.Min(YMin + Height, other.YMin + other.Height);
        if (right <= left || bottom <= top)
        {
            return 0;
        }

        var intersection = (right - left) * (bottom - top);
        var union = (Width * Height) + (other.Width * other.Height) - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
