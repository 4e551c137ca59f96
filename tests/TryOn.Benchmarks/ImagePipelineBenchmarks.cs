using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Pipeline.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The image path of a generation, one image at a time on one thread: bytes → validated, upright 768x1024 float32
/// NCHW tensor (size check, sniff, header caps, strict shrink-on-load decode, cover crop, planar floats); and the
/// JPEG encode of a 768x1024 result. Inputs are made from the committed astronaut photo, resized up, so they carry
/// real photographic detail: a 4000x3000 JPEG (q90, EXIF orientation 6, as phones write it), 1500x2000 PNG and WebP,
/// and the committed 512x512 HEIC.
/// </summary>
[MemoryDiagnoser]
public class ImagePipelineBenchmarks
{
    private const int TensorWidth = 768;
    private const int TensorHeight = 1024;

    private readonly ImagePipeline _pipeline = new(Options.Create(new ImagePipelineOptions()));
    private byte[] _jpeg12Mp = [];
    private byte[] _png = [];
    private byte[] _webp = [];
    private byte[] _heic = [];
    private Image? _result;

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestData");
        using var photo = Image.NewFromFile(Path.Combine(directory, "person-astronaut.png"), access: Enums.Access.Random);
        using var large = photo.Resize(4000.0 / photo.Width, vscale: 3000.0 / photo.Height);
        using var oriented = large.Mutate(image => image.Set(GValue.GIntType, "orientation", 6));
        _jpeg12Mp = oriented.JpegsaveBuffer(q: 90);
        using var portrait = photo.Resize(1500.0 / photo.Width, vscale: 2000.0 / photo.Height);
        _png = portrait.PngsaveBuffer();
        _webp = portrait.WebpsaveBuffer(q: 90);
        _heic = File.ReadAllBytes(Path.Combine(directory, "person-astronaut.heic"));
        // Materialised, so the encode benchmark measures the encoder and not the resize behind a lazy image.
        using var resized = photo.Resize(TensorWidth / (double)photo.Width, vscale: TensorHeight / (double)photo.Height);
        _result = resized.CopyMemory();
    }

    [GlobalCleanup]
    public void Cleanup() => _result?.Dispose();

    [Benchmark(Description = "JPEG 4000x3000 (EXIF 6) -> tensor")]
    public ImageTensor Jpeg12MpToTensor() => _pipeline.ToTensor(_jpeg12Mp, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "PNG 1500x2000 -> tensor")]
    public ImageTensor PngToTensor() => _pipeline.ToTensor(_png, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "WebP 1500x2000 -> tensor")]
    public ImageTensor WebPToTensor() => _pipeline.ToTensor(_webp, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "HEIC 512x512 -> tensor")]
    public ImageTensor HeicToTensor() => _pipeline.ToTensor(_heic, TensorWidth, TensorHeight).Value!;

    [Benchmark(Description = "JPEG 4000x3000 (EXIF 6) -> stored copy")]
    public StoredImage Jpeg12MpToStoredCopy() => _pipeline.Normalize(_jpeg12Mp).Value!;

    [Benchmark(Description = "Encode 768x1024 -> JPEG q90")]
    public byte[] EncodeJpeg() => _result!.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.None, subsampleMode: Enums.ForeignSubsample.On);
}
