using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TryOn.Pipeline.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The product's image chain written with ImageSharp 2.1.13, only to measure it beside NetVips (docs/images.md, "Why
/// NetVips"): size check, our signature check, header caps from <c>Image.Identify</c>, decode, EXIF orientation, cover
/// resize and centre crop, planar RGB float32; and the stored copy (fit, strip, JPEG q90). ImageSharp 2.1 has no
/// shrink-on-load (3.x's <c>DecoderOptions.TargetSize</c> is not in 2.1) and no strict mode, so it decodes every pixel
/// and accepts what its decoders accept. Never referenced by a src project.
/// </summary>
internal sealed class ImageSharpChain(Configuration configuration, ImagePipelineOptions limits)
{
    private const float Scale = 1f / 255f;

    private static readonly JpegEncoder StoredJpeg = new() { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 };

    public Configuration Configuration { get; } = configuration;

    /// <summary>
    /// The tightest settings 2.1.13 offers: only the JPEG, PNG and WebP decoders registered, one thread, and an
    /// allocator that refuses any single (discontiguous) buffer over <paramref name="allocationLimitMegabytes"/>.
    /// </summary>
    public static Configuration Limited(int allocationLimitMegabytes) =>
        new(new JpegConfigurationModule(), new PngConfigurationModule(), new WebpConfigurationModule())
        {
            MaxDegreeOfParallelism = 1,
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = allocationLimitMegabytes }),
        };

    /// <summary>The allocation limit that still admits the largest image the product accepts, as 8-bit RGB.</summary>
    public static int AllocationLimitFor(ImagePipelineOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return (int)Math.Ceiling(limits.MaxPixels * 3 / (1024.0 * 1024.0));
    }

    /// <summary>The same checks as <see cref="ImagePipeline.Inspect"/>, with ImageSharp reading the header.</summary>
    public string? Refusal(byte[] bytes)
    {
        if (bytes.LongLength > limits.MaxBytes)
        {
            return "too large";
        }

        if (bytes.Length < ImageSniffer.MinimumLength || ImageSniffer.Detect(bytes) is not { } format)
        {
            return "not an accepted format";
        }

        if (format == ImageFormat.Heic)
        {
            return "HEIC: no ImageSharp decoder";
        }

        var info = Image.Identify(Configuration, bytes, out _);
        if (info is null)
        {
            return "header unreadable";
        }

        if (info.Width < limits.MinSide || info.Height < limits.MinSide || info.Width > limits.MaxSide || info.Height > limits.MaxSide
            || (long)info.Width * info.Height > limits.MaxPixels)
        {
            return $"header caps ({info.Width}x{info.Height})";
        }

        return null;
    }

    /// <summary>Checked, decoded, upright, cover-resized and centre-cropped to the size, as planar floats in [0, 1].</summary>
    public ImageTensor ToTensor(byte[] bytes, int width, int height)
    {
        if (Refusal(bytes) is { } refusal)
        {
            throw new InvalidDataException(refusal);
        }

        return DecodeToTensor(bytes, width, height);
    }

    /// <summary>The decode and tensor without any check of ours: what the library alone does with the bytes.</summary>
    public ImageTensor DecodeToTensor(byte[] bytes, int width, int height)
    {
        using var image = Image.Load<Rgb24>(Configuration, bytes);
        image.Mutate(operations => operations
            .AutoOrient()
            .Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Crop, Position = AnchorPositionMode.Center }));
        var plane = width * height;
        var data = new float[plane * 3];
        image.ProcessPixelRows(accessor =>
        {
            var red = data.AsSpan(0, plane);
            var green = data.AsSpan(plane, plane);
            var blue = data.AsSpan(plane * 2, plane);
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var offset = y * width;
                for (var x = 0; x < row.Length; x++)
                {
                    red[offset + x] = row[x].R * Scale;
                    green[offset + x] = row[x].G * Scale;
                    blue[offset + x] = row[x].B * Scale;
                }
            }
        });
        return new ImageTensor(data, width, height);
    }

    /// <summary>The stored copy: checked, decoded, upright, fitted in the square (never enlarged), metadata stripped, JPEG q90.</summary>
    public byte[] ToStoredJpeg(byte[] bytes, int maxSide)
    {
        if (Refusal(bytes) is { } refusal)
        {
            throw new InvalidDataException(refusal);
        }

        using var image = Image.Load<Rgb24>(Configuration, bytes);
        image.Mutate(operations => operations.AutoOrient());
        if (image.Width > maxSide || image.Height > maxSide)
        {
            image.Mutate(operations => operations.Resize(new ResizeOptions { Size = new Size(maxSide, maxSide), Mode = ResizeMode.Max }));
        }

        image.Metadata.ExifProfile = null;
        image.Metadata.IccProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.XmpProfile = null;
        using var output = new MemoryStream();
        image.SaveAsJpeg(output, StoredJpeg);
        return output.ToArray();
    }

    public static byte[] EncodeJpeg(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        image.SaveAsJpeg(output, StoredJpeg);
        return output.ToArray();
    }
}
