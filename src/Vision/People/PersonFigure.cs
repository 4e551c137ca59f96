using TryOn.Vision.Pose;

namespace TryOn.Vision.People;

/// <summary>How much of the person a photo shows.</summary>
public enum PersonFraming
{
    /// <summary>Head to feet: the face or shoulders and at least one ankle are in view.</summary>
    FullBody,

    /// <summary>Both shoulders are in view, the feet are not.</summary>
    UpperBody,

    /// <summary>Less than that: a face close-up, or a body without its shoulders.</summary>
    Partial,
}

/// <summary>
/// The person as a window of the frame shows them, in fractions of that window: the box around them, their
/// landmarks, how much of them is in view and whether they face the camera.
/// </summary>
public sealed record PersonFigure(NormalizedWindow Box, IReadOnlyList<PoseLandmark> Landmarks, PersonFraming Framing, bool FacingCamera)
{
    /// <summary>Visibility a landmark needs to count as seen.</summary>
    public const float MinVisibility = 0.5f;

    /// <summary>Mask value (of 255) a pixel needs to count as the person.</summary>
    private const byte MaskThreshold = 128;

    /// <summary>
    /// How wide the shoulders must be across the body's up direction, signed (positive with the left shoulder on the
    /// viewer's right) and as a share of the torso's length, to decide front or back; a person facing the camera has
    /// about 0.6 to 1, side-on about 0; nearer side-on than this, the face decides.
    /// </summary>
    private const float FacingCertainty = 0.25f;

    /// <summary>
    /// Reads the person of <paramref name="observation"/> inside <paramref name="window"/>, with
    /// <paramref name="mask"/> the observation's mask rendered over that same window
    /// (<see cref="PoseObservation.RenderMask"/>). The box is the mask's extent (the head's top and the body's width,
    /// which no landmark marks) joined with the landmarks seen in the window.
    /// </summary>
    public static PersonFigure Describe(PoseObservation observation, NormalizedWindow window, ReadOnlySpan<byte> mask, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var landmarks = observation.LandmarksIn(window);

        float left = float.MaxValue, top = float.MaxValue, right = float.MinValue, bottom = float.MinValue;
        for (var y = 0; y < maskHeight; y++)
        {
            var row = mask.Slice(y * maskWidth, maskWidth);
            var first = row.IndexOfAnyExceptInRange((byte)0, (byte)(MaskThreshold - 1));
            if (first < 0)
            {
                continue;
            }

            var last = row.LastIndexOfAnyExceptInRange((byte)0, (byte)(MaskThreshold - 1));
            left = MathF.Min(left, (float)first / maskWidth);
            right = MathF.Max(right, (last + 1f) / maskWidth);
            top = MathF.Min(top, (float)y / maskHeight);
            bottom = MathF.Max(bottom, (y + 1f) / maskHeight);
        }

        foreach (var point in landmarks.Where(InView))
        {
            left = MathF.Min(left, point.X);
            right = MathF.Max(right, point.X);
            top = MathF.Min(top, point.Y);
            bottom = MathF.Max(bottom, point.Y);
        }

        var box = left <= right && top <= bottom ? new NormalizedWindow(left, top, right - left, bottom - top) : new NormalizedWindow(0, 0, 0, 0);
        return new PersonFigure(box, landmarks, FramingOf(landmarks), FacesCamera(observation));
    }

    /// <summary>Seen, and inside the window.</summary>
    public static bool InView(PoseLandmark point) =>
        point.Visibility >= MinVisibility && point.X is >= 0 and <= 1 && point.Y is >= 0 and <= 1;

    private static PersonFraming FramingOf(PoseLandmark[] landmarks)
    {
        bool Seen(int index) => InView(landmarks[index]);
        var shoulders = Seen(BodyLandmarks.LeftShoulder) && Seen(BodyLandmarks.RightShoulder);
        var head = Seen(BodyLandmarks.Nose) || Seen(BodyLandmarks.LeftShoulder) || Seen(BodyLandmarks.RightShoulder);
        var feet = Seen(BodyLandmarks.LeftAnkle) || Seen(BodyLandmarks.RightAnkle);
        return (head, feet, shoulders) switch
        {
            (true, true, _) => PersonFraming.FullBody,
            (_, false, true) => PersonFraming.UpperBody,
            _ => PersonFraming.Partial,
        };
    }

    /// <summary>
    /// For a person facing the camera their left shoulder (11) is on the viewer's right of their right shoulder, seen
    /// along the body's up direction (hips to shoulders, or the region's rotation without hips); seen from the back it
    /// is on the left. The signed shoulder width is measured against the torso's length (about the ROI side over 3.75
    /// without hips: the side is 2.5 times the hips-to-head distance); side-on, where the shoulders overlap, a visible
    /// face means facing the camera. All in frame pixels.
    /// </summary>
    private static bool FacesCamera(PoseObservation observation)
    {
        var points = observation.Landmarks;
        (float X, float Y) Pixel(int index) => (points[index].X * observation.FrameWidth, points[index].Y * observation.FrameHeight);
        var left = Pixel(BodyLandmarks.LeftShoulder);
        var right = Pixel(BodyLandmarks.RightShoulder);
        float upX, upY, torso;
        if (points[BodyLandmarks.LeftHip].Presence >= MinVisibility && points[BodyLandmarks.RightHip].Presence >= MinVisibility)
        {
            var leftHip = Pixel(BodyLandmarks.LeftHip);
            var rightHip = Pixel(BodyLandmarks.RightHip);
            upX = (left.X + right.X - leftHip.X - rightHip.X) / 2;
            upY = (left.Y + right.Y - leftHip.Y - rightHip.Y) / 2;
            torso = MathF.Sqrt((upX * upX) + (upY * upY));
        }
        else
        {
            (upX, upY) = (MathF.Sin(observation.Region.Rotation), -MathF.Cos(observation.Region.Rotation));
            torso = observation.Region.Width / 3.75f;
        }

        if (torso <= 0)
        {
            return false;
        }

        var acrossX = left.X - right.X;
        var acrossY = left.Y - right.Y;
        var length = MathF.Sqrt((upX * upX) + (upY * upY));
        var signedWidth = ((upX * acrossY) - (upY * acrossX)) / length / torso;
        if (signedWidth >= FacingCertainty)
        {
            return true;
        }

        if (signedWidth <= -FacingCertainty)
        {
            return false;
        }

        return points[BodyLandmarks.Nose].Visibility >= MinVisibility
            || points[BodyLandmarks.LeftEye].Visibility >= MinVisibility
            || points[BodyLandmarks.RightEye].Visibility >= MinVisibility;
    }
}
