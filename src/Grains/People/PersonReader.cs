using TryOn.Contracts.People;
using TryOn.Pipeline.Images;
using TryOn.Vision.People;
using TryOn.Vision.Pose;
using VisionFraming = TryOn.Vision.People.PersonFraming;

namespace TryOn.Grains.People;

/// <summary>
/// Turns what the pose models see in a shopper photo into what is stored with it: the crop (person-aware when asked),
/// then the person as the cropped image shows them (box, framing, facing, landmarks) and their mask over it. Plain
/// code under the grain, so it is tested without a silo.
/// </summary>
internal sealed class PersonReader(PersonAnalyzer analyzer)
{
    /// <summary>The grid the person's box is first measured on, before the crop is known.</summary>
    private const int PlacementMaskSide = 256;

    public PersonReading Read(PersonPhoto photo, bool cropToPortrait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var frame = new RgbFrame(photo.Rgb, photo.FrameWidth, photo.FrameHeight);
        var observation = analyzer.Observe(frame, cancellationToken);
        if (observation is null)
        {
            var fallback = cropToPortrait ? CropGeometry.FourByFive(photo.PhotoWidth, photo.PhotoHeight) : Whole(photo);
            return Reading(fallback, PersonAnalysis.NotFound, null);
        }

        var crop = cropToPortrait
            ? CropGeometry.FourByFive(photo.PhotoWidth, photo.PhotoHeight, Placement(observation, photo))
            : Whole(photo);
        var window = new NormalizedWindow(
            (float)crop.Left / photo.PhotoWidth, (float)crop.Top / photo.PhotoHeight,
            (float)crop.Width / photo.PhotoWidth, (float)crop.Height / photo.PhotoHeight);
        var (maskWidth, maskHeight) = Fit(crop.Width, crop.Height, PersonReading.MaskMaxSide);
        var mask = observation.RenderMask(maskWidth, maskHeight, window);
        PersonMask.KeepPerson(mask, maskWidth, maskHeight, observation.LandmarksIn(window));
        var figure = PersonFigure.Describe(observation, window, mask, maskWidth, maskHeight);
        var person = new PersonAnalysis(
            Found: true,
            Box: new PersonBox(
                (int)MathF.Round(figure.Box.Left * crop.Width),
                (int)MathF.Round(figure.Box.Top * crop.Height),
                (int)MathF.Round(figure.Box.Width * crop.Width),
                (int)MathF.Round(figure.Box.Height * crop.Height)),
            Framing: figure.Framing switch
            {
                VisionFraming.FullBody => Contracts.People.PersonFraming.FullBody,
                VisionFraming.UpperBody => Contracts.People.PersonFraming.UpperBody,
                _ => Contracts.People.PersonFraming.Partial,
            },
            FacingCamera: figure.FacingCamera,
            Score: observation.DetectionScore,
            Landmarks: [.. figure.Landmarks.Select(point => new BodyLandmark(point.X, point.Y, point.Z, point.Visibility, point.Presence))]);
        return Reading(crop, person, ImagePipeline.EncodeMask(mask, maskWidth, maskHeight));
    }

    /// <summary>Where the person is in the whole photo, in its pixels: the box and the middle of the torso across.</summary>
    private static PersonPlacement Placement(PoseObservation observation, PersonPhoto photo)
    {
        var (width, height) = Fit(photo.FrameWidth, photo.FrameHeight, PlacementMaskSide);
        var mask = observation.RenderMask(width, height);
        PersonMask.KeepPerson(mask, width, height, observation.Landmarks);
        var figure = PersonFigure.Describe(observation, NormalizedWindow.Whole, mask, width, height);
        var box = figure.Box;
        var torsoX = BodyLandmarks.Torso(figure.Landmarks) is { } torso ? torso.Centre.X : box.Left + (box.Width / 2);
        return new PersonPlacement(
            new PixelBox(
                (int)MathF.Round(box.Left * photo.PhotoWidth),
                (int)MathF.Round(box.Top * photo.PhotoHeight),
                (int)MathF.Round(box.Width * photo.PhotoWidth),
                (int)MathF.Round(box.Height * photo.PhotoHeight)),
            torsoX * photo.PhotoWidth);
    }

    private static PixelBox Whole(PersonPhoto photo) => new(0, 0, photo.PhotoWidth, photo.PhotoHeight);

    /// <summary><paramref name="width"/> x <paramref name="height"/> scaled to fit <paramref name="maxSide"/>, never enlarged.</summary>
    private static (int Width, int Height) Fit(int width, int height, int maxSide)
    {
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static PersonReading Reading(PixelBox crop, PersonAnalysis person, byte[]? maskPng) =>
        new(crop.Left, crop.Top, crop.Width, crop.Height, person, maskPng);
}
