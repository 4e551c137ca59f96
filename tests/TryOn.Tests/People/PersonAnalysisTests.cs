using NetVips;
using TryOn.Contracts.Errors;
using TryOn.Contracts.People;
using TryOn.Grains.People;
using TryOn.Tests.Infrastructure;
using TryOn.Vision.People;
using TryOn.Vision.Pose;

namespace TryOn.Tests.People;

/// <summary>
/// The person analysis on whole photos, through the upload's path (decode, frame, models, crop, mask): where the person
/// is, what is kept of them, and what is refused.
/// </summary>
public sealed class PersonAnalysisTests(PoseModelsFixture models) : IClassFixture<PoseModelsFixture>
{
    private static readonly byte[] Astronaut = TestImages.Read("person-astronaut.png");

    private static BodyLandmark At(PersonReading reading, int index) => reading.Person.Landmarks[index];

    /// <summary>The mask's value (0 to 255) at a point given as fractions of the stored image.</summary>
    private static double MaskAt(PersonReading reading, double x, double y)
    {
        using var mask = Image.NewFromBuffer(reading.MaskPng!);
        return mask.Getpoint((int)(x * (mask.Width - 1)), (int)(y * (mask.Height - 1)))[0];
    }

    [Fact]
    public void The_test_photo_has_her_face_shoulders_and_elbows_where_they_are_and_the_mask_on_her()
    {
        var reading = models.Read(Astronaut, cropToPortrait: false);
        var person = reading.Person;

        Assert.True(person.Found);
        Assert.Equal((TryOn.Contracts.People.PersonFraming.UpperBody, true), (person.Framing, person.FacingCamera));
        Assert.InRange(person.Score, 0.8f, 1f);
        Assert.Equal(33, person.Landmarks.Length);

        // Face above the shoulders, shoulders above the elbows; her left shoulder on the right of the picture.
        var nose = At(reading, BodyLandmarks.Nose);
        var (left, right) = (At(reading, BodyLandmarks.LeftShoulder), At(reading, BodyLandmarks.RightShoulder));
        Assert.All([nose, left, right], point => Assert.InRange(point.Visibility, 0.9f, 1f));
        Assert.True(nose.Y < Math.Min(left.Y, right.Y) - 0.1, $"nose {nose.Y} should be well above the shoulders {left.Y}, {right.Y}");
        Assert.True(left.X > nose.X && nose.X > right.X, $"shoulders {right.X} < nose {nose.X} < {left.X} across the picture");
        Assert.InRange(left.X - right.X, 0.35f, 0.8f);
        Assert.True(At(reading, BodyLandmarks.LeftElbow).Y > left.Y && At(reading, BodyLandmarks.RightElbow).Y > right.Y);

        // The mask is on her (face, chest) and not on the flag (top left) or the shuttle (top right).
        Assert.True(MaskAt(reading, nose.X, nose.Y) > 200, "the mask should cover her face");
        Assert.True(MaskAt(reading, (left.X + right.X) / 2, ((left.Y + right.Y) / 2) + 0.1) > 200, "the mask should cover her chest");
        Assert.Equal(0, MaskAt(reading, 0.05, 0.05));
        Assert.Equal(0, MaskAt(reading, 0.95, 0.05));

        // The box holds every point she shows, in pixels of the (uncropped) 512x512 image.
        var box = person.Box!;
        Assert.All(person.Landmarks.Where(point => point.Visibility >= 0.5f), point =>
        {
            Assert.InRange(point.X * 512, box.Left - 1, box.Left + box.Width + 1);
            Assert.InRange(point.Y * 512, box.Top - 1, box.Top + box.Height + 1);
        });
    }

    [Fact]
    public void A_mirrored_photo_gives_mirrored_points_and_her_left_stays_her_left()
    {
        using var photo = Image.NewFromBuffer(Astronaut);
        using var flipped = photo.FlipHor();
        var reading = models.Read(Astronaut, cropToPortrait: false);
        var mirrored = models.Read(TestImages.Png(flipped), cropToPortrait: false);

        // The model is not exactly mirror-symmetric (measured: up to 5% of the width at the shoulders, 9% at the elbows, which the suit hides); a left/right mix-up
        // would be off by half the picture.
        foreach (var (index, mirror) in new[] { (BodyLandmarks.LeftShoulder, BodyLandmarks.RightShoulder), (BodyLandmarks.RightShoulder, BodyLandmarks.LeftShoulder) })
        {
            var point = At(reading, index);
            var seen = At(mirrored, mirror);
            Assert.InRange(seen.X, 1 - point.X - 0.07f, 1 - point.X + 0.07f);
            Assert.InRange(seen.Y, point.Y - 0.07f, point.Y + 0.07f);
        }

        Assert.True(At(mirrored, BodyLandmarks.LeftShoulder).X > At(mirrored, BodyLandmarks.RightShoulder).X);
    }

    [Fact]
    public void A_person_at_one_edge_of_a_landscape_photo_is_kept_whole_in_the_portrait_crop()
    {
        // 1600x600 with the person in the last 300 pixels: a centred 4:5 crop (x 560 to 1040) would not show them at all.
        var reading = models.Read(TestImages.PersonOn(1600, 600, 300, 1300, 300));

        Assert.Equal((480, 600), (reading.CropWidth, reading.CropHeight));
        Assert.True(reading.Person.Found);
        var box = reading.Person.Box!;
        Assert.InRange(reading.CropLeft + box.Left, 1290, 1340);
        Assert.InRange(box.Left + box.Width, box.Left + 150, reading.CropWidth);
        Assert.InRange(box.Top, 290, 320);
        Assert.True(reading.CropLeft + reading.CropWidth >= 1580, $"the crop {reading.CropLeft}+{reading.CropWidth} should reach her right edge");
    }

    [Fact]
    public void A_small_person_off_centre_is_found_where_they_are()
    {
        var reading = models.Read(TestImages.PersonOn(800, 1000, 260, 500, 150), cropToPortrait: false);

        Assert.True(reading.Person.Found);
        var box = reading.Person.Box!;
        Assert.InRange(box.Left, 480, 560);
        Assert.InRange(box.Top, 140, 200);
        Assert.InRange(box.Left + box.Width, 640, 770);
        Assert.InRange(box.Top + box.Height, 370, 420);
        var nose = At(reading, BodyLandmarks.Nose);
        Assert.InRange(nose.X * 800, 560, 700);
        Assert.InRange(nose.Y * 1000, 170, 300);
        Assert.Null(PersonRequirements.ProblemOf(reading.Person, 1000));
    }

    [Fact]
    public void A_person_too_small_for_the_whole_frame_is_still_found_and_is_PERSON_TOO_SMALL()
    {
        // 200 pixels of 1200: under what the detector sees in the whole frame, found in a closer window.
        var reading = models.Read(TestImages.PersonOn(1200, 1200, 200, 500, 700), cropToPortrait: false);

        Assert.True(reading.Person.Found);
        var box = reading.Person.Box!;
        Assert.InRange(box.Left, 480, 540);
        Assert.InRange(box.Top, 680, 740);
        var problem = PersonRequirements.ProblemOf(reading.Person, 1200);
        Assert.Equal(ErrorCodes.PersonTooSmall, problem?.Code);
        Assert.InRange((double)problem!.Details["heightFraction"], 0.1, 0.2);
    }

    [Fact]
    public void A_blank_wall_and_a_garment_alone_have_no_person_no_mask_and_a_centred_crop()
    {
        using var wall = Image.Gaussnoise(900, 1100, mean: 200, sigma: 12);
        foreach (var photo in new[] { TestImages.Jpeg(wall), TestImages.GarmentFlatLay() })
        {
            var reading = models.Read(photo);

            Assert.Equal(PersonAnalysis.NotFound, reading.Person);
            Assert.Null(reading.MaskPng);
            Assert.Equal((10, 0, 880, 1100), (reading.CropLeft, reading.CropTop, reading.CropWidth, reading.CropHeight));
            Assert.Equal(ErrorCodes.PersonNotFound, PersonRequirements.ProblemOf(reading.Person, 1100)?.Code);
        }
    }

    [Fact]
    public void Search_windows_cover_the_frame_in_overlapping_halves_flush_with_its_edges()
    {
        var square = PersonAnalyzer.SearchWindows(new RgbFrame(new byte[1024 * 1024 * 3], 1024, 1024)).ToList();
        Assert.Equal(9, square.Count);
        Assert.All(square, window => Assert.Equal((512f, 512f, 0f), (window.Width, window.Height, window.Rotation)));
        Assert.Equal([256f, 512f, 768f], square.Select(window => window.CenterX).Distinct().Order());

        var landscape = PersonAnalyzer.SearchWindows(new RgbFrame(new byte[1024 * 400 * 3], 1024, 400)).ToList();
        Assert.Equal([256f, 512f, 768f], landscape.Select(window => window.CenterX));
        Assert.All(landscape, window => Assert.Equal(200f, window.CenterY));

        // A frame the detector already sees at full resolution has nothing closer to look at.
        Assert.Empty(PersonAnalyzer.SearchWindows(new RgbFrame(new byte[224 * 200 * 3], 224, 200)));
    }
}
