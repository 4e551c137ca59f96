using TryOn.Contracts.People;
using TryOn.Pipeline.Images;

namespace TryOn.Web.Images;

/// <summary>Between the image pipeline's photos and the person analysis' contracts, which know nothing of the pipeline.</summary>
internal static class PersonPhotoExtensions
{
    extension(PersonPhoto)
    {
        /// <summary>What the analysis is sent of a decoded photo: its frame, and the size it is stored at.</summary>
        public static PersonPhoto Of(DecodedPhoto photo)
        {
            ArgumentNullException.ThrowIfNull(photo);
            var (rgb, width, height) = photo.Frame(PersonReading.FrameMaxSide);
            return new PersonPhoto(rgb, width, height, photo.Width, photo.Height);
        }
    }

    extension(PersonReading reading)
    {
        /// <summary>The crop to store the photo with, in pixels of the photo.</summary>
        public PixelBox Crop => new(reading.CropLeft, reading.CropTop, reading.CropWidth, reading.CropHeight);
    }
}
