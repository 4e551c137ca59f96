namespace TryOn.Vision.Pose;

/// <summary>
/// What the pose models saw of the person in one frame: the detector's and the landmark model's confidence, the
/// rotated region the landmark model looked at (frame pixels), the 33 body landmarks (fractions of the frame) and the
/// person segmentation over that region (256x256, 0 background to 255 person, in the region's own orientation).
/// </summary>
public sealed class PoseObservation
{
    private const int SegmentationSize = PoseWorkspace.LandmarkInputSize;
    private readonly byte[] _segmentation;

    internal PoseObservation(
        float detectionScore, float poseScore, RotatedRect region, IReadOnlyList<PoseLandmark> landmarks, byte[] segmentation,
        int frameWidth, int frameHeight)
    {
        DetectionScore = detectionScore;
        PoseScore = poseScore;
        Region = region;
        Landmarks = landmarks;
        _segmentation = segmentation;
        FrameWidth = frameWidth;
        FrameHeight = frameHeight;
    }

    public float DetectionScore { get; }

    /// <summary>The landmark model's "a pose is in the region" probability; at least 0.5 for an observation to exist.</summary>
    public float PoseScore { get; }

    public RotatedRect Region { get; }

    public IReadOnlyList<PoseLandmark> Landmarks { get; }

    public int FrameWidth { get; }

    public int FrameHeight { get; }

    /// <summary>
    /// The landmarks in fractions of <paramref name="window"/> of the frame (z on the scale of the window's width, as x).
    /// </summary>
    public PoseLandmark[] LandmarksIn(NormalizedWindow window) =>
        [.. Landmarks.Select(point =>
        {
            var (x, y) = window.Relative(point.X, point.Y);
            return point with { X = x, Y = y, Z = point.Z / window.Width };
        })];

    /// <summary>
    /// The person mask over <paramref name="window"/> of the frame (fractions; the whole frame by default) as a
    /// <paramref name="width"/> x <paramref name="height"/> grey image, 0 background to 255 person: the segmentation
    /// warped back with the region's inverse and bilinear sampling, nothing outside the region, as
    /// mediapipe/modules/pose_landmark/pose_landmarks_and_segmentation_inverse_projection.pbtxt does.
    /// </summary>
    public byte[] RenderMask(int width, int height, NormalizedWindow? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var area = window ?? NormalizedWindow.Whole;
        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var frameY = (area.Top + ((y + 0.5f) / height * area.Height)) * FrameHeight;
            for (var x = 0; x < width; x++)
            {
                var frameX = (area.Left + ((x + 0.5f) / width * area.Width)) * FrameWidth;
                var (u, v) = Region.FromFrame(frameX, frameY);
                mask[(y * width) + x] = SampleSegmentation((u * SegmentationSize) - 0.5f, (v * SegmentationSize) - 0.5f);
            }
        }

        return mask;
    }

    private byte SampleSegmentation(float x, float y)
    {
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        if (x0 < -1 || y0 < -1 || x0 >= SegmentationSize || y0 >= SegmentationSize)
        {
            return 0;
        }

        var fx = x - x0;
        var fy = y - y0;
        var value = (At(x0, y0) * (1 - fx) * (1 - fy)) + (At(x0 + 1, y0) * fx * (1 - fy))
            + (At(x0, y0 + 1) * (1 - fx) * fy) + (At(x0 + 1, y0 + 1) * fx * fy);
        return (byte)Math.Clamp((int)MathF.Round(value), 0, 255);
    }

    /// <summary>Zero outside the region (BORDER_ZERO).</summary>
    private float At(int x, int y) =>
        (uint)x < SegmentationSize && (uint)y < SegmentationSize ? _segmentation[(y * SegmentationSize) + x] : 0;
}

/// <summary>A rectangle of a frame in fractions of its width and height, upright.</summary>
public readonly record struct NormalizedWindow(float Left, float Top, float Width, float Height)
{
    public static NormalizedWindow Whole { get; } = new(0, 0, 1, 1);

    /// <summary>A point of the frame in fractions of this window.</summary>
    public (float X, float Y) Relative(float x, float y) => ((x - Left) / Width, (y - Top) / Height);
}
