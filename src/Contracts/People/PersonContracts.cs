using System.Collections.Immutable;

namespace TryOn.Contracts.People;

/// <summary>
/// A shopper photo as the person analysis receives it: the upright photo (of <see cref="PhotoWidth"/> x
/// <see cref="PhotoHeight"/>, the size it is stored at before any crop) reduced to a frame of at most
/// <see cref="PersonReading.FrameMaxSide"/> pixels a side, as interleaved 8-bit RGB.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.people.PersonPhoto")]
public sealed record PersonPhoto(
    [property: Id(0)] byte[] Rgb,
    [property: Id(1)] int FrameWidth,
    [property: Id(2)] int FrameHeight,
    [property: Id(3)] int PhotoWidth,
    [property: Id(4)] int PhotoHeight);

/// <summary>How much of the person a photo shows.</summary>
[GenerateSerializer, Alias("tryon.people.PersonFraming")]
public enum PersonFraming
{
    /// <summary>No person was found.</summary>
    None = 0,

    /// <summary>Head to feet.</summary>
    FullBody = 1,

    /// <summary>Head and both shoulders, not the feet.</summary>
    UpperBody = 2,

    /// <summary>Less than that: a face close-up, or a body without its shoulders.</summary>
    Partial = 3,
}

/// <summary>A rectangle in pixels of the stored image.</summary>
[GenerateSerializer, Immutable, Alias("tryon.people.PersonBox")]
public sealed record PersonBox(
    [property: Id(0)] int Left,
    [property: Id(1)] int Top,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height);

/// <summary>
/// A BlazePose body landmark (index 0 the nose … 11/12 the shoulders, 23/24 the hips, 27/28 the ankles): x and y as
/// fractions of the stored image (outside [0, 1] when placed beyond it), z the depth on the scale of x, visibility and
/// presence in [0, 1].
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.people.BodyLandmark")]
public sealed record BodyLandmark(
    [property: Id(0)] float X,
    [property: Id(1)] float Y,
    [property: Id(2)] float Z,
    [property: Id(3)] float Visibility,
    [property: Id(4)] float Presence);

/// <summary>
/// What the person analysis found in a stored shopper image, in that image's coordinates (after its crop): whether a
/// person is there, the box around them, how much of them is in view, whether they face the camera, the detector's
/// confidence and the 33 body landmarks (empty when no person was found). The person's mask is stored beside the
/// image (<see cref="Images.ImageBlobs.MaskKey"/>) when one was found.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.people.PersonAnalysis")]
public sealed record PersonAnalysis(
    [property: Id(0)] bool Found,
    [property: Id(1)] PersonBox? Box,
    [property: Id(2)] PersonFraming Framing,
    [property: Id(3)] bool FacingCamera,
    [property: Id(4)] float Score,
    [property: Id(5)] ImmutableArray<BodyLandmark> Landmarks)
{
    public static PersonAnalysis NotFound { get; } = new(false, null, PersonFraming.None, false, 0, []);

    /// <summary>By value, landmarks included, so a record that travelled or was stored equals the one it came from.</summary>
    public bool Equals(PersonAnalysis? other) =>
        other is not null && Found == other.Found && Box == other.Box && Framing == other.Framing
        && FacingCamera == other.FacingCamera && Score.Equals(other.Score)
        && Landmarks.AsSpan().SequenceEqual(other.Landmarks.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Found, Box, Framing, FacingCamera, Score, Landmarks.IsDefault ? 0 : Landmarks.Length);
}

/// <summary>
/// The analysis of a <see cref="PersonPhoto"/>: the crop to store it with (pixels of the photo; the whole photo when
/// it is not cropped), the person in the cropped image's coordinates, and their mask over it as an 8-bit greyscale
/// PNG (null when nobody was found).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.people.PersonReading")]
public sealed record PersonReading(
    [property: Id(0)] int CropLeft,
    [property: Id(1)] int CropTop,
    [property: Id(2)] int CropWidth,
    [property: Id(3)] int CropHeight,
    [property: Id(4)] PersonAnalysis Person,
    [property: Id(5)] byte[]? MaskPng)
{
    /// <summary>
    /// The frame the models look at: the detector sees 224x224 of the whole photo and the landmark model 256x256 of
    /// the person's region, so a person a fifth of the photo high still has as many pixels as the model reads.
    /// </summary>
    public const int FrameMaxSide = 1024;

    /// <summary>The stored mask's longer side, in pixels: about what the 256x256 segmentation resolves of a person.</summary>
    public const int MaskMaxSide = 512;
}
