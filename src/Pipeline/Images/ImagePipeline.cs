using ImageMagick;
using Microsoft.Extensions.Options;
using NetVips;

namespace TryOn.Pipeline.Images;

/// <summary>
/// Every image that enters the service goes through here, in this order: size check → our magic-byte allow-list →
/// header read with dimension and pixel-count caps → strict decode (libvips with <c>fail_on=error</c>; Magick.NET
/// for HEIC) → EXIF orientation applied → metadata stripped → a normalised copy or a model tensor. Nothing is
/// decoded before the header has passed the caps, and at most <see cref="ImagePipelineOptions.MaxConcurrentDecodes"/>
/// decodes run at once. Thread-safe; one instance per process.
/// </summary>
public sealed class ImagePipeline
{
    // Passing fail_on through the loader options is what makes libvips refuse a truncated file; the named
    // argument of thumbnail does not (it only logs "error in tile").
    private const string StrictLoad = "fail_on=error";

    private readonly ImagePipelineOptions _options;
    private readonly SemaphoreSlim _decodes;

    public ImagePipeline(IOptions<ImagePipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _decodes = new SemaphoreSlim(_options.MaxConcurrentDecodes, _options.MaxConcurrentDecodes);
        NativeImaging.EnsureConfigured(_options);
    }

    /// <summary>Checks size, format and header; decodes nothing.</summary>
    public ImageResult<ImageInfo> Inspect(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > _options.MaxBytes)
        {
            return ImageResult<ImageInfo>.Reject(ImageProblem.TooLarge, $"The image is {bytes.LongLength} bytes; the limit is {_options.MaxBytes}.");
        }

        if (bytes.Length < ImageSniffer.MinimumLength)
        {
            return ImageResult<ImageInfo>.Reject(ImageProblem.Invalid, "The file is too small to be an image.");
        }

        if (ImageSniffer.Detect(bytes) is not { } format)
        {
            return ImageResult<ImageInfo>.Reject(ImageProblem.UnsupportedType, "The file is not a JPEG, PNG, WebP or HEIC image.");
        }

        ImageInfo info;
        try
        {
            info = format == ImageFormat.Heic ? HeicDecoder.ReadHeader(bytes) : ReadHeader(bytes, format);
        }
        catch (Exception exception) when (exception is VipsException or MagickException)
        {
            return ImageResult<ImageInfo>.Reject(ImageProblem.Invalid, $"The {Describe(format)} header cannot be read.");
        }

        if (info.Width < _options.MinSide || info.Height < _options.MinSide)
        {
            return ImageResult<ImageInfo>.Reject(ImageProblem.Invalid, $"The image is {info.Width}x{info.Height}; each side must be at least {_options.MinSide} pixels.");
        }

        if (info.Width > _options.MaxSide || info.Height > _options.MaxSide || (long)info.Width * info.Height > _options.MaxPixels)
        {
            return ImageResult<ImageInfo>.Reject(
                ImageProblem.Invalid,
                $"The image is {info.Width}x{info.Height}; the limits are {_options.MaxSide} pixels a side and {_options.MaxPixels} pixels in all.");
        }

        return ImageResult<ImageInfo>.Accept(info);
    }

    /// <summary>
    /// The copy to store: decoded strictly, turned upright, optionally cut to the 4:5 portrait box
    /// (<paramref name="cropToPortrait"/>, the person-free fallback of <see cref="CropGeometry.FourByFive"/>), fitted in
    /// the configured square and re-encoded without metadata.
    /// </summary>
    public ImageResult<StoredImage> Normalize(byte[] bytes, bool cropToPortrait = false)
    {
        var decoded = DecodePhoto(bytes);
        if (decoded.Rejection is { } rejection)
        {
            return rejection;
        }

        using var photo = decoded.Value!;
        return ImageResult<StoredImage>.Accept(photo.Encode(cropToPortrait ? CropGeometry.FourByFive(photo.Width, photo.Height) : null));
    }

    /// <summary>
    /// The photo decoded once, strictly, turned upright and fitted in the configured square, held in memory as 8-bit
    /// sRGB: what both the person analysis (<see cref="DecodedPhoto.Frame"/>) and the stored copy
    /// (<see cref="DecodedPhoto.Encode"/>) are made from, so a shopper photo is decoded and encoded once each.
    /// </summary>
    public ImageResult<DecodedPhoto> DecodePhoto(byte[] bytes) =>
        Decode(bytes, format =>
        {
            var side = _options.StoredMaxSide;
            using var upright = format == ImageFormat.Heic
                ? FitHeic(bytes, side)
                : Image.ThumbnailBuffer(bytes, side, StrictLoad, height: side, size: Enums.Size.Down);
            using var srgb = ToSrgb(upright);
            // Decoded here, under the decode cap and its error handling, rather than lazily by the first use.
            return new DecodedPhoto(srgb.CopyMemory(), _options.JpegQuality);
        });

    /// <summary>
    /// A stored image at its own size as opaque 8-bit RGB, interleaved (transparency flattened onto white): the pixels an
    /// engine works on and returns.
    /// </summary>
    public ImageResult<RgbImage> DecodeRgb(byte[] bytes) =>
        Decode(bytes, format =>
        {
            using var loaded = format == ImageFormat.Heic ? HeicDecoder.Decode(bytes) : Image.NewFromBuffer(bytes, StrictLoad);
            using var upright = loaded.Autorot();
            using var opaque = ToOpaqueRgb(upright);
            return new RgbImage(opaque.WriteToMemory<byte>(), opaque.Width, opaque.Height);
        });

    /// <summary>A mask stored by <see cref="EncodeMask"/>: one byte a pixel, rows top to bottom.</summary>
    public static (byte[] Mask, int Width, int Height) DecodeMask(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        using var image = Image.NewFromBuffer(png, StrictLoad);
        using var grey = image.Bands > 1 ? image.ExtractBand(0) : image.Copy();
        using var bytes = grey.Cast(Enums.BandFormat.Uchar);
        return (bytes.WriteToMemory<byte>(), bytes.Width, bytes.Height);
    }

    /// <summary>A grey mask (one byte a pixel, rows top to bottom) as an 8-bit greyscale PNG.</summary>
    public static byte[] EncodeMask(byte[] mask, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var image = Image.NewFromMemory(mask, width, height, 1, Enums.BandFormat.Uchar);
        return image.PngsaveBuffer(keep: Enums.ForeignKeep.None);
    }

    /// <summary>
    /// Model input of exactly <paramref name="width"/> x <paramref name="height"/>: decoded with shrink-on-load,
    /// turned upright, resized to cover the box and centre-cropped, transparency flattened onto white.
    /// </summary>
    public ImageResult<ImageTensor> ToTensor(byte[] bytes, int width, int height, TensorFit fit = TensorFit.Cover)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return Decode(bytes, format =>
        {
            using var resized = (format, fit) switch
            {
                (ImageFormat.Heic, TensorFit.Cover) => CoverHeic(bytes, width, height),
                (ImageFormat.Heic, _) => FitHeic(bytes, Math.Max(width, height)),
                (_, TensorFit.Cover) => Image.ThumbnailBuffer(bytes, width, StrictLoad, height: height, crop: Enums.Interesting.Centre),
                _ => Image.ThumbnailBuffer(bytes, width, StrictLoad, height: height),
            };
            using var opaque = ToOpaqueRgb(resized);
            using var rgb = opaque.Width == width && opaque.Height == height
                ? opaque.Copy()
                : opaque.ThumbnailImage(width, height: height, size: Enums.Size.Down)
                    .Gravity(Enums.CompassDirection.Centre, width, height, extend: Enums.Extend.Background, background: [255, 255, 255]);
            var pixels = rgb.WriteToMemory<byte>();
            return new ImageTensor(ToPlanarFloats(pixels, width, height), width, height);
        });
    }

    /// <summary>
    /// A small JPEG of a stored image for a page to show: fitted in <paramref name="maxSide"/> pixels a side (never
    /// enlarged), transparency flattened onto white, no metadata.
    /// </summary>
    public ImageResult<StoredImage> Preview(byte[] bytes, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        return Decode(bytes, format =>
        {
            using var fitted = format == ImageFormat.Heic
                ? FitHeic(bytes, maxSide)
                : Image.ThumbnailBuffer(bytes, maxSide, StrictLoad, height: maxSide, size: Enums.Size.Down);
            using var opaque = ToOpaqueRgb(fitted);
            var jpeg = opaque.JpegsaveBuffer(q: _options.JpegQuality, keep: Enums.ForeignKeep.None);
            return new StoredImage(jpeg, ImageFormat.Jpeg, opaque.Width, opaque.Height);
        });
    }

    /// <summary>
    /// An engine's result as stored: checked (a whole RGB image, each side within the limits of an upload), with
    /// <paramref name="logo"/> (a stored PNG, its transparency kept) stamped on its bottom-right corner at a sixth of
    /// its width when given, and encoded once as JPEG without metadata. Null when the pixels are not a usable image.
    /// </summary>
    public StoredImage? EncodeResult(RgbImage image, byte[]? logo = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width < _options.MinSide || image.Height < _options.MinSide || image.Width > _options.MaxSide || image.Height > _options.MaxSide
            || image.Pixels.LongLength != (long)image.Width * image.Height * 3)
        {
            return null;
        }

        _decodes.Wait();
        try
        {
            using var pixels = Image.NewFromMemory(image.Pixels, image.Width, image.Height, 3, Enums.BandFormat.Uchar);
            using var stamped = logo is null ? pixels.Copy() : Stamp(pixels, logo);
            var bytes = stamped.JpegsaveBuffer(q: _options.JpegQuality, keep: Enums.ForeignKeep.None, subsampleMode: Enums.ForeignSubsample.On);
            return new StoredImage(bytes, ImageFormat.Jpeg, image.Width, image.Height);
        }
        finally
        {
            _decodes.Release();
        }
    }

    private static Image Stamp(Image photo, byte[] logo)
    {
        var width = Math.Max(16, photo.Width / 6);
        using var mark = Image.ThumbnailBuffer(logo, width, StrictLoad);
        using var markSrgb = ToSrgb(mark);
        using var markAlpha = markSrgb.HasAlpha() ? markSrgb.Copy() : markSrgb.Bandjoin(255);
        var margin = Math.Max(4, photo.Width / 50);
        using var composed = photo.Composite2(markAlpha, Enums.BlendMode.Over,
            x: photo.Width - markAlpha.Width - margin, y: photo.Height - markAlpha.Height - margin);
        using var flat = composed.HasAlpha() ? composed.Flatten() : composed.Copy();
        return flat.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>A model's output (RGB float32 NCHW in [0, 1]) as pixels.</summary>
    public static RgbImage FromTensor(ReadOnlySpan<float> planar, int width, int height)
    {
        var plane = width * height;
        if (planar.Length != plane * 3)
        {
            throw new ArgumentException($"Expected {plane * 3} values of RGB, got {planar.Length}.", nameof(planar));
        }

        var rgb = new byte[plane * 3];
        for (int pixel = 0, offset = 0; pixel < plane; pixel++, offset += 3)
        {
            rgb[offset] = ToByte(planar[pixel]);
            rgb[offset + 1] = ToByte(planar[plane + pixel]);
            rgb[offset + 2] = ToByte(planar[(2 * plane) + pixel]);
        }

        return new RgbImage(rgb, width, height);
    }

    /// <summary>A channel value in [0, 1] as a byte, rounded and clamped.</summary>
    public static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);

    /// <summary>
    /// The shared frame of every decode: the checks of <see cref="Inspect"/> first, then <paramref name="decode"/>
    /// under the concurrency cap; a library's refusal of the bytes is an invalid image, never an exception.
    /// </summary>
    private ImageResult<T> Decode<T>(byte[] bytes, Func<ImageFormat, T> decode)
    {
        var inspected = Inspect(bytes);
        if (inspected.Rejection is { } rejection)
        {
            return rejection;
        }

        var format = inspected.Value!.Format;
        _decodes.Wait();
        try
        {
            return ImageResult<T>.Accept(decode(format));
        }
        catch (Exception exception) when (exception is VipsException or MagickException)
        {
            return ImageResult<T>.Reject(ImageProblem.Invalid, $"The {Describe(format)} image is damaged or incomplete.");
        }
        finally
        {
            _decodes.Release();
        }
    }

    private static ImageInfo ReadHeader(byte[] bytes, ImageFormat format)
    {
        using var header = Image.NewFromBuffer(bytes, access: Enums.Access.Sequential);
        return new ImageInfo(format, header.Width, header.Height);
    }

    private static Image FitHeic(byte[] bytes, int side)
    {
        using var decoded = HeicDecoder.Decode(bytes);
        return decoded.ThumbnailImage(side, height: side, size: Enums.Size.Down);
    }

    private static Image CoverHeic(byte[] bytes, int width, int height)
    {
        using var decoded = HeicDecoder.Decode(bytes);
        return decoded.ThumbnailImage(width, height: height, crop: Enums.Interesting.Centre);
    }

    /// <summary>8-bit sRGB, keeping alpha: grey, CMYK and 16-bit inputs all come out the same way.</summary>
    private static Image ToSrgb(Image image)
    {
        using var srgb = image.Colourspace(Enums.Interpretation.Srgb);
        return srgb.Cast(Enums.BandFormat.Uchar);
    }

    private static Image ToOpaqueRgb(Image image)
    {
        using var srgb = ToSrgb(image);
        return srgb.HasAlpha() ? srgb.Flatten(background: [255, 255, 255]) : srgb.Copy();
    }

    /// <summary>Interleaved RGB bytes to planar floats in [0, 1].</summary>
    internal static float[] ToPlanarFloats(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var plane = width * height;
        if (rgb.Length != plane * 3)
        {
            throw new ArgumentException($"Expected {plane * 3} bytes of RGB, got {rgb.Length}.", nameof(rgb));
        }

        var data = new float[plane * 3];
        var red = data.AsSpan(0, plane);
        var green = data.AsSpan(plane, plane);
        var blue = data.AsSpan(plane * 2, plane);
        const float Scale = 1f / 255f;
        for (int pixel = 0, offset = 0; pixel < plane; pixel++, offset += 3)
        {
            red[pixel] = rgb[offset] * Scale;
            green[pixel] = rgb[offset + 1] * Scale;
            blue[pixel] = rgb[offset + 2] * Scale;
        }

        return data;
    }

    private static string Describe(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.WebP => "WebP",
        _ => "HEIC",
    };
}
