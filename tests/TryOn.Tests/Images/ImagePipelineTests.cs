using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Images;

/// <summary>The image pipeline on real bytes decoded by the real libraries.</summary>
public sealed class ImagePipelineTests
{
    private readonly ImagePipeline _pipeline = new(Options.Create(new ImagePipelineOptions()));

    public static TheoryData<string, byte[], ImageFormat> AcceptedImages()
    {
        using var picture = TestImages.WithTopLeftMarker(120, 80);
        return new TheoryData<string, byte[], ImageFormat>
        {
            { "jpeg", TestImages.Jpeg(picture), ImageFormat.Jpeg },
            { "png", TestImages.Png(picture), ImageFormat.Png },
            { "webp", TestImages.WebP(picture), ImageFormat.WebP },
            { "heic", TestImages.Read("person-astronaut.heic"), ImageFormat.Heic },
        };
    }

    [Theory]
    [MemberData(nameof(AcceptedImages))]
    public void Accepted_formats_are_recognised_by_their_bytes_and_normalised(string name, byte[] bytes, ImageFormat format)
    {
        var inspected = _pipeline.Inspect(bytes);
        Assert.True(inspected.IsAccepted, $"{name}: {inspected.Rejection?.Message}");
        Assert.Equal(format, inspected.Value!.Format);

        var stored = _pipeline.Normalize(bytes);
        Assert.True(stored.IsAccepted, $"{name}: {stored.Rejection?.Message}");
        Assert.Equal(ImageFormat.Jpeg, stored.Value!.Format);
        using var decoded = Image.NewFromBuffer(stored.Value.Bytes);
        Assert.Equal((stored.Value.Width, stored.Value.Height), (decoded.Width, decoded.Height));
        Assert.Equal(3, decoded.Bands);
    }

    public static TheoryData<string, byte[]> OtherFormats() => new()
    {
        { "gif", TestImages.Gif().Concat(new byte[64]).ToArray() },
        { "tiff", "II*\0"u8.ToArray().Concat(new byte[64]).ToArray() },
        { "bmp", "BM"u8.ToArray().Concat(new byte[64]).ToArray() },
        { "svg", """<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"""u8.ToArray() },
        { "avif", Convert.FromHexString("0000001C6674797061766966000000006D696631617669666D69616600000000").Concat(new byte[64]).ToArray() },
        { "avif with generic brand", Convert.FromHexString("000000186674797061766966000000006D69663161766966").Concat(new byte[64]).ToArray() },
        { "avif with a heic brand", Convert.FromHexString("0000001C667479706865696300000000").Concat("mif1heicmiaf"u8.ToArray()).Concat(new byte[32]).Concat("av1C"u8.ToArray()).Concat(new byte[32]).ToArray() },
        { "heic brand without hevc coding", Convert.FromHexString("0000001C667479706865696300000000").Concat("mif1heicmiaf"u8.ToArray()).Concat(new byte[64]).ToArray() },
        { "text", "this is a text file pretending to be a photo.jpg"u8.ToArray() },
        { "pdf", "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj << >> endobj"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(OtherFormats))]
    public void Other_formats_are_refused_as_unsupported_before_any_decoder_runs(string name, byte[] bytes)
    {
        var result = _pipeline.Normalize(bytes);
        Assert.False(result.IsAccepted, name);
        Assert.Equal(ImageProblem.UnsupportedType, result.Rejection!.Problem);
    }

    [Fact]
    public void Libvips_refuses_loaders_outside_the_allow_list_even_when_called_directly()
    {
        _ = _pipeline; // the constructor applied the process-wide loader block list
        Assert.ThrowsAny<VipsException>(() =>
        {
            using var image = Image.NewFromBuffer(TestImages.Gif());
            _ = image.Avg();
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    public void Too_few_bytes_are_INVALID(int length)
    {
        var result = _pipeline.Inspect(new byte[length]);
        Assert.Equal(ImageProblem.Invalid, result.Rejection!.Problem);
    }

    [Fact]
    public void More_than_ten_megabytes_is_TOO_LARGE_whatever_the_bytes()
    {
        var bytes = new byte[(10 * 1024 * 1024) + 1];
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        Assert.Equal(ImageProblem.TooLarge, _pipeline.Inspect(bytes).Rejection!.Problem);
    }

    public static TheoryData<string, byte[]> TruncatedImages()
    {
        using var picture = TestImages.WithTopLeftMarker(400, 300);
        return new TheoryData<string, byte[]>
        {
            { "jpeg", TestImages.Truncated(TestImages.Jpeg(picture)) },
            { "png", TestImages.Truncated(TestImages.Png(picture)) },
            { "webp", TestImages.Truncated(TestImages.WebP(picture)) },
            { "heic", TestImages.Truncated(TestImages.Read("person-astronaut.heic")) },
        };
    }

    [Theory]
    [MemberData(nameof(TruncatedImages))]
    public void Truncated_files_are_INVALID_on_every_path(string name, byte[] bytes)
    {
        Assert.Equal(ImageProblem.Invalid, _pipeline.Normalize(bytes).Rejection?.Problem);
        Assert.Equal(ImageProblem.Invalid, _pipeline.ToTensor(bytes, 64, 80).Rejection?.Problem);
        _ = name;
    }

    [Theory]
    [InlineData(30000, 30000)]
    [InlineData(8000, 8000)]
    [InlineData(20000, 100)]
    public void Dimensions_over_the_caps_are_refused_from_the_header(int width, int height)
    {
        var bomb = TestImages.PngHeaderClaiming(width, height);
        Assert.True(bomb.Length < 200_000, $"The fixture should be small, it is {bomb.Length} bytes.");
        var result = _pipeline.Normalize(bomb);
        Assert.Equal(ImageProblem.Invalid, result.Rejection?.Problem);
        Assert.Contains($"{width}x{height}", result.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_below_the_minimum_side_are_INVALID()
    {
        using var tiny = TestImages.Solid(8, 8, 10, 20, 30);
        Assert.Equal(ImageProblem.Invalid, _pipeline.Inspect(TestImages.Png(tiny)).Rejection?.Problem);
    }

    [Fact]
    public void Exif_orientation_6_photo_comes_out_upright_without_metadata()
    {
        using var stored = TestImages.WithTopLeftMarker(400, 200);
        var bytes = TestImages.Jpeg(stored, exifOrientation: 6);

        var result = _pipeline.Normalize(bytes);

        var image = result.Value!;
        Assert.Equal((200, 400), (image.Width, image.Height));
        using var upright = Image.NewFromBuffer(image.Bytes);
        // Orientation 6 means "rotate 90° clockwise to display": the stored top-left lands top-right.
        Assert.True(IsRed(upright, image.Width - 10, 10), "The marker should be at the top right.");
        Assert.False(IsRed(upright, 10, 10), "The top left should be grey.");
        Assert.DoesNotContain("orientation", upright.GetFields());
        Assert.DoesNotContain("exif-data", upright.GetFields());
    }

    [Fact]
    public void Transparent_png_is_stored_as_png_and_keeps_its_alpha()
    {
        using var cutout = TestImages.Solid(100, 120, 200, 30, 30, 0);
        var result = _pipeline.Normalize(TestImages.Png(cutout));

        Assert.Equal(ImageFormat.Png, result.Value!.Format);
        Assert.Equal("image/png", result.Value.ContentType);
        using var decoded = Image.NewFromBuffer(result.Value.Bytes);
        Assert.True(decoded.HasAlpha());
    }

    [Fact]
    public void Large_images_are_fitted_in_the_stored_square_and_small_ones_are_not_enlarged()
    {
        using var wide = TestImages.Solid(3000, 1000, 1, 2, 3);
        var fitted = _pipeline.Normalize(TestImages.Jpeg(wide)).Value!;
        Assert.Equal(2048, fitted.Width);
        Assert.InRange(fitted.Height, 682, 683);

        using var small = TestImages.Solid(300, 200, 1, 2, 3);
        var kept = _pipeline.Normalize(TestImages.Jpeg(small)).Value!;
        Assert.Equal((300, 200), (kept.Width, kept.Height));
    }

    [Fact]
    public void Portrait_crop_gives_four_by_five()
    {
        using var landscape = TestImages.WithTopLeftMarker(1000, 800);
        var cropped = _pipeline.Normalize(TestImages.Jpeg(landscape), cropToPortrait: true).Value!;
        Assert.Equal((640, 800), (cropped.Width, cropped.Height));
    }

    [Fact]
    public void Tensor_is_planar_rgb_in_zero_to_one_at_the_requested_size()
    {
        using var red = TestImages.Solid(300, 500, 255, 0, 0);
        var tensor = _pipeline.ToTensor(TestImages.Png(red), 64, 80).Value!;

        Assert.Equal([1, 3, 80, 64], tensor.Shape);
        Assert.Equal(3 * 80 * 64, tensor.Data.Length);
        var plane = 80 * 64;
        Assert.All(tensor.Data[..plane], value => Assert.Equal(1f, value, 0.01f));
        Assert.All(tensor.Data[plane..], value => Assert.Equal(0f, value, 0.01f));
    }

    [Fact]
    public void Transparency_is_flattened_onto_white_for_the_model()
    {
        using var clear = TestImages.Solid(100, 100, 0, 0, 0, 0);
        var tensor = _pipeline.ToTensor(TestImages.Png(clear), 32, 32).Value!;
        Assert.All(tensor.Data, value => Assert.Equal(1f, value, 0.01f));
    }

    [Fact]
    public void Heic_photo_becomes_a_tensor_like_its_png_original()
    {
        var fromHeic = _pipeline.ToTensor(TestImages.Read("person-astronaut.heic"), 64, 80).Value!;
        var fromPng = _pipeline.ToTensor(TestImages.Read("person-astronaut.png"), 64, 80).Value!;

        var meanError = fromHeic.Data.Zip(fromPng.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 0.05, $"HEIC and PNG tensors differ by {meanError:0.000} on average.");
    }

    private static bool IsRed(Image image, int x, int y)
    {
        var pixel = image.Getpoint(x, y);
        return pixel[0] > 200 && pixel[1] < 60 && pixel[2] < 60;
    }
}
