using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.People;
using TryOn.Grains.Engines;
using TryOn.Grains.People;
using TryOn.Pipeline.Images;
using TryOn.Vision.People;
using TryOn.Vision.Pose;
using TryOn.Web.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The person analysis of a 12 MP (4000x3000) shopper photo, with 1 and 2 ONNX Runtime threads per model run: the
/// decode to the 1024-pixel frame the models see; the models alone (detector, then landmarks and segmentation on the
/// person's region); the whole analysis as the grain runs it (models, crop, mask over the crop, box, framing, mask
/// PNG); and a photo without a person, where the detector also looks through its closer windows.
/// The photo: the committed test person scaled to 2400 pixels on a textured 4000x3000 background, as a JPEG.
/// </summary>
[MemoryDiagnoser]
public class PersonAnalysisBenchmarks
{
    private readonly ImagePipeline _pipeline = new(Options.Create(new ImagePipelineOptions()));
    private OnnxModels? _models;
    private PersonAnalyzer? _analyzer;
    private PersonReader? _reader;
    private byte[] _photo = [];
    private PersonPhoto? _frame;
    private RgbFrame _wall;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "", IntraOpThreads = Threads }), NullLogger<OnnxModels>.Instance);
        _models.Load();
        _analyzer = PoseModels.CreateAnalyzer(_models);
        _reader = new PersonReader(_analyzer);

        using var person = Image.NewFromFile(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png"));
        using var scaled = person.Resize(2400.0 / person.Width);
        // A soft texture, so the JPEG is about the size of a phone's (a few MB) rather than of pure noise.
        using var noise = Image.Gaussnoise(4000, 3000, mean: 150, sigma: 40);
        using var soft = noise.Gaussblur(3);
        using var background = soft.Bandjoin(soft, soft).Cast(Enums.BandFormat.Uchar);
        using var photo = background.Insert(scaled, 1400, 600);
        _photo = photo.JpegsaveBuffer(q: 90);
        Console.WriteLine($"// 12 MP photo: {_photo.Length / 1e6:0.0} MB JPEG");
        _frame = Frame(_photo);
        using var blank = background.Resize((double)_frame.FrameWidth / 4000);
        _wall = new RgbFrame(blank.WriteToMemory<byte>(), blank.Width, blank.Height);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _analyzer?.Dispose();
        _models?.Dispose();
    }

    [Benchmark(Description = "12 MP JPEG -> 1024 frame")]
    public PersonPhoto Decode() => Frame(_photo);

    [Benchmark(Description = "models: detector + landmarks + mask")]
    public PoseObservation? Models() => _analyzer!.Observe(new RgbFrame(_frame!.Rgb, _frame.FrameWidth, _frame.FrameHeight));

    [Benchmark(Description = "whole analysis (models, crop, mask PNG)")]
    public PersonReading Analysis() => _reader!.Read(_frame!, cropToPortrait: true);

    [Benchmark(Description = "no person: whole frame + 6 closer windows")]
    public PoseObservation? NoPerson() => _analyzer!.Observe(_wall);

    private PersonPhoto Frame(byte[] bytes)
    {
        using var photo = _pipeline.DecodePhoto(bytes).Value!;
        return PersonPhoto.Of(photo);
    }
}
