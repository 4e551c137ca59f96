using TryOn.Vision.People;
using TryOn.Vision.Pose;

namespace TryOn.Tests.People;

/// <summary>The MediaPipe arithmetic around the models: anchors, regions, suppression, and what is read from landmarks.</summary>
public sealed class PoseGeometryTests
{
    [Fact]
    public void The_detector_has_2254_anchors_on_its_three_grids()
    {
        var anchors = SsdAnchors.PoseDetector;
        Assert.Equal(2254, anchors.Length);
        // 28x28 cells of stride 8 first, two anchors each; the last grid is 7x7 with six anchors a cell.
        Assert.Equal(new NormalizedPoint(0.5f / 28, 0.5f / 28), anchors[0]);
        Assert.Equal(anchors[0], anchors[1]);
        Assert.Equal(new NormalizedPoint(1.5f / 28, 0.5f / 28), anchors[2]);
        Assert.Equal(new NormalizedPoint(0.5f / 14, 0.5f / 14), anchors[28 * 28 * 2]);
        Assert.Equal(new NormalizedPoint(6.5f / 7, 6.5f / 7), anchors[^1]);
    }

    [Fact]
    public void The_region_centres_on_the_hips_and_turns_the_body_upright()
    {
        // Upright: hips at (500, 600), the scale point 400 px straight above: a square of 2 x 400 x 1.25, not turned.
        var upright = PoseRegion.FromDetection(Detection((0.5f, 0.6f), (0.5f, 0.2f)), 1000, 1000);
        Assert.Equal(new RotatedRect(500, 600, 1000, 1000, 0), upright with { Rotation = MathF.Round(upright.Rotation, 5) });

        // Lying with the head to the right: turned by a quarter, so that the head is up in the crop.
        var lying = PoseRegion.FromDetection(Detection((0.3f, 0.5f), (0.7f, 0.5f)), 1000, 500);
        Assert.Equal(MathF.PI / 2, lying.Rotation, 4);
        var (x, y) = lying.ToFrame(0.5f, 0);
        Assert.True(x > lying.CenterX + 400 && MathF.Abs(y - lying.CenterY) < 1, "The crop's top is towards the head.");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.7f)]
    [InlineData(-2.5f)]
    public void A_rotated_rect_maps_there_and_back(float rotation)
    {
        var rect = new RotatedRect(320, 240, 200, 150, rotation);
        var (x, y) = rect.ToFrame(0.2f, 0.9f);
        var (u, v) = rect.FromFrame(x, y);
        Assert.Equal(0.2f, u, 4);
        Assert.Equal(0.9f, v, 4);
    }

    [Fact]
    public void Overlapping_detections_merge_into_their_score_weighted_mean()
    {
        var strong = Detection((0.5f, 0.5f), (0.5f, 0.1f), score: 0.9f, left: 0.40f);
        var weak = Detection((0.6f, 0.5f), (0.6f, 0.1f), score: 0.3f, left: 0.42f);
        var elsewhere = Detection((0.1f, 0.5f), (0.1f, 0.1f), score: 0.6f, left: 0.0f);

        var merged = WeightedNonMaxSuppression.Apply([weak, elsewhere, strong], 0.3f);

        Assert.Equal(2, merged.Count);
        Assert.Equal(0.9f, merged[0].Score);
        Assert.Equal(((0.5f * 0.9f) + (0.6f * 0.3f)) / 1.2f, merged[0].Keypoints[0].X, 5);
        Assert.Equal(((0.40f * 0.9f) + (0.42f * 0.3f)) / 1.2f, merged[0].XMin, 5);
        Assert.Equal((elsewhere.Score, elsewhere.XMin, elsewhere.Keypoints[0]), (merged[1].Score, merged[1].XMin, merged[1].Keypoints[0]));
    }

    [Fact]
    public void Shoulders_in_front_order_mean_facing_the_camera_and_swapped_mean_from_the_back()
    {
        var front = Figure(leftShoulderX: 0.65f, rightShoulderX: 0.35f);
        Assert.True(front.FacingCamera);

        var back = Figure(leftShoulderX: 0.35f, rightShoulderX: 0.65f);
        Assert.False(back.FacingCamera);

        // Side-on, the shoulders overlap: a visible face decides.
        Assert.True(Figure(0.5f, 0.49f, noseVisibility: 0.9f).FacingCamera);
        Assert.False(Figure(0.5f, 0.49f, noseVisibility: 0.1f).FacingCamera);
    }

    [Fact]
    public void Framing_follows_which_landmarks_are_seen_in_the_frame()
    {
        Assert.Equal(PersonFraming.UpperBody, Figure(0.65f, 0.35f).Framing);
        Assert.Equal(PersonFraming.FullBody, Figure(0.65f, 0.35f, ankleY: 0.95f).Framing);
        // An ankle the model places beyond the frame's bottom is not in view.
        Assert.Equal(PersonFraming.UpperBody, Figure(0.65f, 0.35f, ankleY: 1.3f).Framing);
        Assert.Equal(PersonFraming.Partial, Figure(0.65f, 0.35f, shoulderVisibility: 0.2f, noseVisibility: 0.9f).Framing);
    }

    [Fact]
    public void The_box_is_the_person_mask_without_the_patches_beside_the_person()
    {
        // A 40x40 mask: the person in columns 10-19, rows 5-34; a separate patch at columns 30-35, rows 0-5.
        var mask = new byte[40 * 40];
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                mask[(y * 40) + x] = (x is >= 10 and < 20 && y is >= 5 and < 35) || (x is >= 30 and < 36 && y < 6) ? (byte)255 : (byte)0;
            }
        }

        var landmarks = Landmarks(0.45f, 0.30f, noseVisibility: 0, shoulderVisibility: 0, ankleY: 2);
        PersonMask.KeepPerson(mask, 40, 40, landmarks);
        Assert.Equal(0, mask[(2 * 40) + 32]);
        var figure = PersonFigure.Describe(Observation(landmarks), NormalizedWindow.Whole, mask, 40, 40);
        Assert.Equal(new NormalizedWindow(0.25f, 0.125f, 0.25f, 0.75f), figure.Box);
    }

    private static PersonFigure Figure(float leftShoulderX, float rightShoulderX, float noseVisibility = 0.95f, float shoulderVisibility = 0.95f, float ankleY = 2f)
    {
        var landmarks = Landmarks(leftShoulderX, rightShoulderX, noseVisibility, shoulderVisibility, ankleY);
        return PersonFigure.Describe(Observation(landmarks), NormalizedWindow.Whole, new byte[16], 4, 4);
    }

    /// <summary>An upright person: nose at the top, shoulders at 0.3, hips at 0.6, ankles where asked; others hidden.</summary>
    private static PoseLandmark[] Landmarks(float leftShoulderX, float rightShoulderX, float noseVisibility, float shoulderVisibility, float ankleY)
    {
        var landmarks = Enumerable.Repeat(new PoseLandmark(0.5f, 0.5f, 0, 0.1f, 0.9f), BodyLandmarks.Count).ToArray();
        landmarks[BodyLandmarks.Nose] = new PoseLandmark(0.5f, 0.15f, 0, noseVisibility, 0.99f);
        landmarks[BodyLandmarks.LeftShoulder] = new PoseLandmark(leftShoulderX, 0.3f, 0, shoulderVisibility, 0.99f);
        landmarks[BodyLandmarks.RightShoulder] = new PoseLandmark(rightShoulderX, 0.3f, 0, shoulderVisibility, 0.99f);
        landmarks[BodyLandmarks.LeftHip] = new PoseLandmark(0.5f + ((leftShoulderX - 0.5f) * 0.6f), 0.6f, 0, 0.9f, 0.99f);
        landmarks[BodyLandmarks.RightHip] = new PoseLandmark(0.5f + ((rightShoulderX - 0.5f) * 0.6f), 0.6f, 0, 0.9f, 0.99f);
        landmarks[BodyLandmarks.LeftAnkle] = new PoseLandmark(0.55f, ankleY, 0, 0.9f, 0.9f);
        landmarks[BodyLandmarks.RightAnkle] = new PoseLandmark(0.45f, ankleY, 0, 0.9f, 0.9f);
        return landmarks;
    }

    private static PoseObservation Observation(PoseLandmark[] landmarks) =>
        new(0.9f, 0.99f, new RotatedRect(50, 50, 100, 100, 0), landmarks, new byte[256 * 256], 100, 100);

    private static PoseDetection Detection((float X, float Y) hips, (float X, float Y) scale, float score = 0.9f, float left = 0.4f) =>
        new(score, left, 0.1f, 0.2f, 0.2f, [new(hips.X, hips.Y), new(scale.X, scale.Y), new(hips.X, hips.Y - 0.2f), new(scale.X, scale.Y - 0.1f)]);
}
