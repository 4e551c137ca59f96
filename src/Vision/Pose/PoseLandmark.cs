namespace TryOn.Vision.Pose;

/// <summary>
/// One body landmark: <see cref="X"/> and <see cref="Y"/> as fractions of the frame (outside [0, 1] when the model
/// places the point beyond the frame), <see cref="Z"/> the depth on the scale of <see cref="X"/> (smaller is nearer the
/// camera, 0 at the hips), <see cref="Visibility"/> how likely the point is in view and not hidden, and
/// <see cref="Presence"/> how likely it is in the frame at all, both in [0, 1].
/// </summary>
public readonly record struct PoseLandmark(float X, float Y, float Z, float Visibility, float Presence);

/// <summary>The 33 body landmarks of BlazePose, by index (mediapipe/modules/pose_landmark/pose_landmark_by_roi_cpu.pbtxt).</summary>
public static class BodyLandmarks
{
    public const int Count = 33;

    /// <summary>Presence a torso point needs to count (shoulders and hips the model places in the frame).</summary>
    private const float MinTorsoPresence = 0.5f;
    public const int Nose = 0;
    public const int LeftEye = 2;
    public const int RightEye = 5;
    public const int LeftEar = 7;
    public const int RightEar = 8;
    public const int LeftShoulder = 11;
    public const int RightShoulder = 12;
    public const int LeftElbow = 13;
    public const int RightElbow = 14;
    public const int LeftWrist = 15;
    public const int RightWrist = 16;
    public const int LeftHip = 23;
    public const int RightHip = 24;
    public const int LeftKnee = 25;
    public const int RightKnee = 26;
    public const int LeftAnkle = 27;
    public const int RightAnkle = 28;
    public const int LeftHeel = 29;
    public const int RightHeel = 30;

    /// <summary>
    /// The middle of the shoulders and hips that are present in <paramref name="landmarks"/>, in their coordinates,
    /// and those points themselves; null when none is.
    /// </summary>
    public static ((float X, float Y) Centre, IReadOnlyList<PoseLandmark> Points)? Torso(IReadOnlyList<PoseLandmark> landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        var points = new[] { LeftShoulder, RightShoulder, LeftHip, RightHip }
            .Select(index => landmarks[index])
            .Where(point => point.Presence >= MinTorsoPresence)
            .ToList();
        return points.Count == 0 ? null : ((points.Average(point => point.X), points.Average(point => point.Y)), points);
    }
}
