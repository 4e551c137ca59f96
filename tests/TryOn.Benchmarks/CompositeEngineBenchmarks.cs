using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The default engine on one generation's inputs, split into its stages: shopper photo to tensor (768x1024),
/// product photo to tensor (512x512), the ONNX graph on the CPU, and the JPEG encode of the result; and all of it.
/// Inputs: the stored (normalised, 4:5) copy of the committed test photo and a 600x600 flat-lay T-shirt PNG.
/// </summary>
[MemoryDiagnoser]
public class CompositeEngineBenchmarks
{
    private readonly ImagePipeline _pipeline = new(Options.Create(new ImagePipelineOptions()));
    private OnnxModels? _models;
    private CompositeEngine? _engine;
    private byte[] _person = [];
    private byte[] _garment = [];
    private ImageTensor? _personTensor;
    private ImageTensor? _garmentTensor;
    private float[] _output = [];
    private ProductSnapshot? _product;

    [GlobalSetup]
    public void Setup()
    {
        // The default engine as shipped: without the optional ISNet model, even where a checkout has it installed.
        _models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        _models.Load();
        _engine = new CompositeEngine(_models, _pipeline, new IsnetCutout(_models, _pipeline));
        _person = _pipeline.Normalize(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png")), cropToPortrait: true).Value!.Bytes;
        using var background = Image.Black(600, 600).NewFromImage(255, 255, 255).Cast(Enums.BandFormat.Uchar);
        using var body = Image.Black(260, 380).NewFromImage(30, 70, 200).Cast(Enums.BandFormat.Uchar);
        using var tee = background.Insert(body, 170, 150);
        _garment = tee.PngsaveBuffer();
        _personTensor = _pipeline.ToTensor(_person, 768, 1024).Value;
        _garmentTensor = _pipeline.ToTensor(_garment, 512, 512, TensorFit.Contain).Value;
        _output = new float[3 * 768 * 1024];
        _product = new ProductSnapshot("acct_b", "tee", ProductKind.Catalog, "Tee", null, [], null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);
    }

    [GlobalCleanup]
    public void Cleanup() => _models?.Dispose();

    [Benchmark(Description = "shopper photo -> tensor 768x1024")]
    public ImageTensor PersonTensor() => _pipeline.ToTensor(_person, 768, 1024).Value!;

    [Benchmark(Description = "product photo -> tensor 512x512 (contain)")]
    public ImageTensor GarmentTensor() => _pipeline.ToTensor(_garment, 512, 512, TensorFit.Contain).Value!;

    [Benchmark(Description = "ONNX graph (CPU)")]
    public float OnnxGraph()
    {
        var session = _models!.Session(CompositeEngine.ModelName);
        using var person = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(_personTensor!.Data, [1, 3, 1024, 768]);
        using var garment = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(_garmentTensor!.Data, [1, 3, 512, 512]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, Microsoft.ML.OnnxRuntime.OrtValue> { ["person"] = person, ["garment"] = garment }, ["result"]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Description = "result tensor -> JPEG")]
    public byte[] Encode() => _pipeline.EncodeResult(ImagePipeline.FromTensor(_output, 768, 1024))!.Bytes;

    [Benchmark(Description = "whole engine run")]
    public Task<RgbImage> Engine() => _engine!.RunAsync(new EngineInput(_person, _garment, _product!), new Progress<double>(), CancellationToken.None);
}
