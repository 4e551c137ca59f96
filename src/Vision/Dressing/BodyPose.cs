using System.Numerics;
using TryOn.Vision.Pose;

namespace TryOn.Vision.Dressing;

/// <summary>
/// A shopper's body landmarks in pixels of their image, and what the engine reads from them: the shoulder and hip
/// lines, the torso's axis, and whether the pose can be dressed at all. Image-left and image-right: for a person facing
/// the camera their right shoulder (landmark 12) is on the image's left.
/// </summary>
public sealed class BodyPose
{
    /// <summary>Presence a landmark needs to be placed (the model's own threshold for points in the frame).</summary>
    public const float MinPresence = 0.5f;

    /// <summary>Shoulder width under which, against the torso's length, the person is turned to the side.</summary>
    public const float MinShoulderToTorso = 0.45f;

    private readonly Vector2[] _points;
    private readonly IReadOnlyList<PoseLandmark> _landmarks;

    public BodyPose(IReadOnlyList<PoseLandmark> landmarks, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count != BodyLandmarks.Count)
        {
            throw new ArgumentException($"Expected {BodyLandmarks.Count} landmarks, got {landmarks.Count}.", nameof(landmarks));
        }

        _landmarks = landmarks;
        _points = [.. landmarks.Select(point => new Vector2(point.X * imageWidth, point.Y * imageHeight))];
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
    }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    public Vector2 this[int landmark] => _points[landmark];

    public PoseLandmark Landmark(int index) => _landmarks[index];

    public bool Present(int landmark) => _landmarks[landmark].Presence >= MinPresence;

    public Vector2 ShoulderLeft => _points[BodyLandmarks.RightShoulder];

    public Vector2 ShoulderRight => _points[BodyLandmarks.LeftShoulder];

    public Vector2 HipLeft => _points[BodyLandmarks.RightHip];

    public Vector2 HipRight => _points[BodyLandmarks.LeftHip];

    /// <summary>Placed in the frame and not hidden: presence and visibility both at least <see cref="MinPresence"/>.</summary>
    public bool Seen(int landmark) => Present(landmark) && _landmarks[landmark].Visibility >= MinPresence;

    public bool HasShoulders => Present(BodyLandmarks.LeftShoulder) && Present(BodyLandmarks.RightShoulder);

    public bool HasHips => Present(BodyLandmarks.LeftHip) && Present(BodyLandmarks.RightHip);

    public float ShoulderWidth => Vector2.Distance(ShoulderLeft, ShoulderRight);

    public float HipWidth => Vector2.Distance(HipLeft, HipRight);

    public Vector2 ShoulderCentre => (ShoulderLeft + ShoulderRight) / 2;

    public Vector2 HipCentre => (HipLeft + HipRight) / 2;

    /// <summary>Down the torso, from the shoulders' middle to the hips' (square to the shoulders when the hips are out of view).</summary>
    public Vector2 TorsoDown => HasHips && HasShoulders && Vector2.Distance(HipCentre, ShoulderCentre) > 1f
        ? Vector2.Normalize(HipCentre - ShoulderCentre)
        : Down(HasShoulders ? ShoulderRight - ShoulderLeft : HipRight - HipLeft);

    /// <summary>Shoulders to hips, or an estimate from the shoulders' width when the hips are out of view.</summary>
    public float TorsoLength => HasHips && HasShoulders ? Vector2.Distance(HipCentre, ShoulderCentre) : ShoulderWidth * 1.4f;

    /// <summary>The unit vector a quarter turn clockwise (on the image, y down) from <paramref name="across"/>: down for a level line.</summary>
    public static Vector2 Down(Vector2 across)
    {
        var unit = Vector2.Normalize(across);
        return new Vector2(-unit.Y, unit.X);
    }

    /// <summary>The unit vector across, left to right, for a <paramref name="down"/> direction.</summary>
    public static Vector2 Across(Vector2 down) => new(down.Y, -down.X);

    /// <summary>
    /// Why this pose cannot be dressed with a garment of <paramref name="kind"/>, for people and machines, or null: the
    /// body part the garment goes on must be in view, facing the camera rather than turned to the side, and for upper-
    /// body garments the forearms must not be crossed over the chest.
    /// </summary>
    public (string Reason, string Message)? ProblemFor(GarmentKind kind)
    {
        if (!HasShoulders)
        {
            return ("shoulders_not_visible", "The shopper's shoulders are not in the photo. Ask for a photo from the head to at least the waist.");
        }

        // Bottoms need the hips and the knees seen, not only placed (a bust's hips are placed below the frame's edge).
        if (kind == GarmentKind.Bottom && !(HasHips && Seen(BodyLandmarks.LeftHip) && Seen(BodyLandmarks.RightHip) && Present(BodyLandmarks.LeftKnee) && Present(BodyLandmarks.RightKnee)))
        {
            return ("hips_not_visible", "The shopper's hips are not in the photo. Ask for a full-length photo for bottoms.");
        }

        // Standing legs: each knee well below its hip. A bust the model took for a small whole person (hips on the chest,
        // knees beside them) has none.
        if (kind == GarmentKind.Bottom && !(LegStands(BodyLandmarks.RightHip, BodyLandmarks.RightKnee) && LegStands(BodyLandmarks.LeftHip, BodyLandmarks.LeftKnee)))
        {
            return ("legs_not_visible", "The shopper's legs are not in the photo, standing. Ask for a full-length photo for bottoms.");
        }

        if (ShoulderWidth < MinShoulderToTorso * TorsoLength)
        {
            return ("side_view", "The shopper is turned to the side. Ask for a photo facing the camera, shoulders square to it.");
        }

        if (kind != GarmentKind.Bottom && ArmsCrossed())
        {
            return ("arms_crossed", "The shopper's arms are crossed over the chest. Ask for a photo with the arms at the sides.");
        }

        return null;
    }

    private bool LegStands(int hip, int knee) => Vector2.Dot(_points[knee] - _points[hip], TorsoDown) >= 0.5f * TorsoLength;

    /// <summary>Both wrists over the chest, between the shoulders and above the hips, each on the other side of the torso's middle.</summary>
    private bool ArmsCrossed()
    {
        var down = TorsoDown;
        var across = Across(down);
        var left = _points[BodyLandmarks.RightWrist] - ShoulderCentre;
        var right = _points[BodyLandmarks.LeftWrist] - ShoulderCentre;
        var chest = TorsoLength * 0.9f;
        var half = ShoulderWidth * 0.5f;
        bool OverChest(Vector2 wrist) => Vector2.Dot(wrist, down) is > 0 and var depth && depth < chest && MathF.Abs(Vector2.Dot(wrist, across)) < half;
        return OverChest(left) && OverChest(right) && Vector2.Dot(left, across) > 0 && Vector2.Dot(right, across) < 0;
    }
}
