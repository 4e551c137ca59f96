using ImageMagick;
using NetVips;

namespace TryOn.Pipeline.Images;

/// <summary>
/// HEIC through Magick.NET (the bundled libvips has no HEVC decoder). The format is forced, never guessed, and a
/// decoder warning (a truncated or corrupt file) is a refusal. libheif applies the container's rotation (irot), so
/// phone photos come out upright without a second EXIF rotation. The pixels continue in libvips.
/// </summary>
internal static class HeicDecoder
{
    public static ImageInfo ReadHeader(byte[] bytes)
    {
        var info = new MagickImageInfo(bytes, new MagickReadSettings { Format = MagickFormat.Heic });
        return new ImageInfo(ImageFormat.Heic, (int)info.Width, (int)info.Height);
    }

    /// <summary>The decoded, upright image as 8-bit sRGB (with alpha when the file has it).</summary>
    public static Image Decode(byte[] bytes)
    {
        using var image = new MagickImage();
        var warned = false;
        image.Warning += (_, _) => warned = true;
        image.Read(bytes, new MagickReadSettings { Format = MagickFormat.Heic });
        if (warned)
        {
            throw new MagickCorruptImageErrorException("The HEIC decoder reported a damaged file.");
        }

        image.AutoOrient();
        var hasAlpha = image.HasAlpha;
        var mapping = hasAlpha ? PixelMapping.RGBA : PixelMapping.RGB;
        using var pixels = image.GetPixelsUnsafe();
        var data = pixels.ToByteArray(mapping) ?? throw new MagickCorruptImageErrorException("The HEIC decoder produced no pixels.");
        return Image.NewFromMemory(data, (int)image.Width, (int)image.Height, hasAlpha ? 4 : 3, Enums.BandFormat.Uchar);
    }
}
