using Microsoft.ML.OnnxRuntime;
using TryOn.Grains.Generations;
using TryOn.Pipeline.Images;

namespace TryOn.Grains.Engines;

/// <summary>
/// The default engine for upper-body garments: TryOn's own ONNX graph (models/build_models.py) cuts the garment out
/// of a flat-lay photo, places and resizes it onto the torso of a 4:5 portrait, feathers its edges and shades it
/// with the photo's lighting. An honest baseline, not a learned try-on model: it does not follow the body's pose.
/// </summary>
internal sealed class CompositeEngine(OnnxModels models, ImagePipeline pipeline) : ITryOnEngine
{
    public const string ModelName = "garment-composite";
    private const int PersonWidth = 768;
    private const int PersonHeight = 1024;
    private const int GarmentSide = 512;

    public string Name => "composite";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string>(StringComparer.Ordinal) { "tops", "outerwear", "dresses" };

    /// <summary>The cut-out needs the garment on a plain background, photographed flat.</summary>
    public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

    public Task<byte[]> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(progress);
        ImageResult<ImageTensor> person, garment;
        using (GenerationTracing.Stage(GenerationTracing.EngineDecode))
        {
            person = pipeline.ToTensor(input.ShopperImage, PersonWidth, PersonHeight, TensorFit.Cover);
            garment = pipeline.ToTensor(input.ProductImage, GarmentSide, GarmentSide, TensorFit.Contain);
        }

        if (person.Value is null || garment.Value is null)
        {
            throw new InvalidOperationException("The stored images could not be turned into model input.");
        }

        progress.Report(0.3);
        var session = models.Session(ModelName);
        using var personValue = OrtValue.CreateTensorValueFromMemory(person.Value.Data, [1, 3, PersonHeight, PersonWidth]);
        using var garmentValue = OrtValue.CreateTensorValueFromMemory(garment.Value.Data, [1, 3, GarmentSide, GarmentSide]);
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        using (GenerationTracing.Stage(GenerationTracing.EngineOnnx))
        {
            outputs = session.Run(
                runOptions,
                new Dictionary<string, OrtValue> { ["person"] = personValue, ["garment"] = garmentValue },
                ["result"]);
        }

        using (outputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress.Report(0.9);
            using var encode = GenerationTracing.Stage(GenerationTracing.EngineEncode);
            return Task.FromResult(pipeline.EncodeTensor(outputs[0].GetTensorDataAsSpan<float>(), PersonWidth, PersonHeight));
        }
    }
}
