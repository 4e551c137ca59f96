using Microsoft.ML.OnnxRuntime;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Telemetry;
using TryOn.Pipeline.Images;

namespace TryOn.Grains.Engines;

/// <summary>
/// The default engine for upper-body garments: TryOn's own ONNX graph (models/build_models.py) cuts the garment out
/// of a flat-lay photo, places and resizes it onto the torso of a 4:5 portrait, feathers its edges and shades it
/// with the photo's lighting. An honest baseline, not a learned try-on model: it does not follow the body's pose.
/// With the optional ISNet model installed, the garment's mask comes from ISNet and the masked graph uses it.
/// </summary>
internal sealed class CompositeEngine(OnnxModels models, ImagePipeline pipeline, IsnetCutout cutout) : ITryOnEngine
{
    public const string ModelName = "garment-composite";

    /// <summary>The same graph with the garment mask as an input (<c>garment_mask</c>, 1x1x512x512).</summary>
    public const string MaskedModelName = "garment-composite-masked";
    private const int PersonWidth = 768;
    private const int PersonHeight = 1024;
    private const int GarmentSide = 512;

    public string Name => "composite";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string>(StringComparer.Ordinal) { "tops", "outerwear", "dresses" };

    /// <summary>The cut-out needs the garment on a plain background, photographed flat.</summary>
    public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

    public async Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(progress);
        ImageResult<ImageTensor> person, garment;
        using (TryOnMetrics.EngineStage(Name, GenerationTracing.EngineDecode))
        {
            person = pipeline.ToTensor(input.ShopperImage, PersonWidth, PersonHeight, TensorFit.Cover);
            garment = pipeline.ToTensor(input.ProductImage, GarmentSide, GarmentSide, TensorFit.Contain);
        }

        if (person.Value is null || garment.Value is null)
        {
            throw new InvalidOperationException("The stored images could not be turned into model input.");
        }

        float[]? mask = null;
        if (cutout.IsAvailable)
        {
            using var stage = TryOnMetrics.EngineStage(Name, GenerationTracing.EngineCutout);
            mask = await cutout.GarmentMaskAsync(input.ProductImage, GarmentSide, cancellationToken);
        }

        progress.Report(0.3);
        var session = models.Session(mask is null ? ModelName : MaskedModelName);
        using var personValue = OrtValue.CreateTensorValueFromMemory(person.Value.Data, [1, 3, PersonHeight, PersonWidth]);
        using var garmentValue = OrtValue.CreateTensorValueFromMemory(garment.Value.Data, [1, 3, GarmentSide, GarmentSide]);
        using var maskValue = mask is null ? null : OrtValue.CreateTensorValueFromMemory(mask, [1, 1, GarmentSide, GarmentSide]);
        var inputs = new Dictionary<string, OrtValue> { ["person"] = personValue, ["garment"] = garmentValue };
        if (maskValue is not null)
        {
            inputs["garment_mask"] = maskValue;
        }

        IDisposableReadOnlyCollection<OrtValue> outputs;
        using (TryOnMetrics.EngineStage(Name, GenerationTracing.EngineOnnx))
        {
            outputs = session.Run(inputs, ["result"], cancellationToken);
        }

        using (outputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress.Report(0.9);
            return ImagePipeline.FromTensor(outputs[0].GetTensorDataAsSpan<float>(), PersonWidth, PersonHeight);
        }
    }
}
