using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Options;
using NetVips;
using SixLabors.ImageSharp.PixelFormats;
using TryOn.Pipeline.Images;
using SharpImage = SixLabors.ImageSharp.Image;
using VipsImage = NetVips.Image;

namespace TryOn.Benchmarks;

/// <summary>
/// NetVips (the product's <see cref="ImagePipeline"/>) beside the same chain written with ImageSharp 2.1.13
/// (<see cref="ImageSharpChain"/>, its tightest configuration), on the same inputs made once in setup, in one run:
/// 12 MP JPEG, PNG and WebP to a validated 768x1024 tensor, the 12 MP JPEG to the stored copy, and the 768x1024 JPEG
/// q90 encode. Each row's NetVips figure is the baseline of its category, so the ratio column reads as "ImageSharp
/// costs this many NetVips".
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ImageLibraryComparisonBenchmarks
{
    private const int TensorWidth = 768;
    private const int TensorHeight = 1024;
    private const string Jpeg = "JPEG 4000x3000 (EXIF 6) -> tensor";
    private const string Png = "PNG 1500x2000 -> tensor";
    private const string WebP = "WebP 1500x2000 -> tensor";
    private const string Stored = "JPEG 4000x3000 (EXIF 6) -> stored copy";
    private const string Encode = "encode 768x1024 -> JPEG q90";

    private static readonly ImagePipelineOptions Limits = new();

    private readonly ImagePipeline _pipeline = new(Options.Create(Limits));
    private readonly ImageSharpChain _imageSharp = new(ImageSharpChain.Limited(ImageSharpChain.AllocationLimitFor(Limits)), Limits);
    private byte[] _jpeg12Mp = [];
    private byte[] _png = [];
    private byte[] _webp = [];
    private VipsImage? _vipsResult;
    private SixLabors.ImageSharp.Image<Rgb24>? _sharpResult;

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestData");
        using var photo = VipsImage.NewFromFile(Path.Combine(directory, "person-astronaut.png"), access: Enums.Access.Random);
        using var large = photo.Resize(4000.0 / photo.Width, vscale: 3000.0 / photo.Height);
        using var oriented = large.Mutate(image => image.Set(GValue.GIntType, "orientation", 6));
        _jpeg12Mp = oriented.JpegsaveBuffer(q: 90);
        using var portrait = photo.Resize(1500.0 / photo.Width, vscale: 2000.0 / photo.Height);
        _png = portrait.PngsaveBuffer();
        _webp = portrait.WebpsaveBuffer(q: 90);
        using var resized = photo.Resize(TensorWidth / (double)photo.Width, vscale: TensorHeight / (double)photo.Height);
        _vipsResult = resized.CopyMemory();
        _sharpResult = SharpImage.LoadPixelData<Rgb24>(_vipsResult.WriteToMemory<byte>(), TensorWidth, TensorHeight);

        // Both chains must make the same picture (orientation, crop), or the timings compare different work.
        foreach (var (name, bytes) in new[] { ("JPEG", _jpeg12Mp), ("PNG", _png), ("WebP", _webp) })
        {
            var vips = _pipeline.ToTensor(bytes, TensorWidth, TensorHeight).Value!.Data;
            var sharp = _imageSharp.ToTensor(bytes, TensorWidth, TensorHeight).Data;
            var difference = 0.0;
            for (var i = 0; i < vips.Length; i++)
            {
                difference += Math.Abs(vips[i] - sharp[i]);
            }

            Console.WriteLine($"// {name}: mean absolute difference between the two tensors {difference / vips.Length * 255:F2} of 255");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vipsResult?.Dispose();
        _sharpResult?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "NetVips")]
    [BenchmarkCategory(Jpeg)]
    public ImageTensor NetVipsJpegToTensor() => _pipeline.ToTensor(_jpeg12Mp, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "ImageSharp")]
    [BenchmarkCategory(Jpeg)]
    public ImageTensor ImageSharpJpegToTensor() => _imageSharp.ToTensor(_jpeg12Mp, TensorWidth, TensorHeight);

    [Benchmark(Baseline = true, Description = "NetVips")]
    [BenchmarkCategory(Png)]
    public ImageTensor NetVipsPngToTensor() => _pipeline.ToTensor(_png, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "ImageSharp")]
    [BenchmarkCategory(Png)]
    public ImageTensor ImageSharpPngToTensor() => _imageSharp.ToTensor(_png, TensorWidth, TensorHeight);

    [Benchmark(Baseline = true, Description = "NetVips")]
    [BenchmarkCategory(WebP)]
    public ImageTensor NetVipsWebPToTensor() => _pipeline.ToTensor(_webp, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "ImageSharp")]
    [BenchmarkCategory(WebP)]
    public ImageTensor ImageSharpWebPToTensor() => _imageSharp.ToTensor(_webp, TensorWidth, TensorHeight);

    [Benchmark(Baseline = true, Description = "NetVips")]
    [BenchmarkCategory(Stored)]
    public StoredImage NetVipsStoredCopy() => _pipeline.Normalize(_jpeg12Mp).Value!;

    [Benchmark(Description = "ImageSharp")]
    [BenchmarkCategory(Stored)]
    public byte[] ImageSharpStoredCopy() => _imageSharp.ToStoredJpeg(_jpeg12Mp, Limits.StoredMaxSide);

    [Benchmark(Baseline = true, Description = "NetVips")]
    [BenchmarkCategory(Encode)]
    public byte[] NetVipsEncodeJpeg() => _vipsResult!.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.None, subsampleMode: Enums.ForeignSubsample.On);

    [Benchmark(Description = "ImageSharp")]
    [BenchmarkCategory(Encode)]
    public byte[] ImageSharpEncodeJpeg() => ImageSharpChain.EncodeJpeg(_sharpResult!);
}
