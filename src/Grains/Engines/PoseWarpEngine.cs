using Microsoft.ML.OnnxRuntime;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Contracts.Telemetry;
using TryOn.Grains.People;
using TryOn.Pipeline.Images;
using TryOn.Vision.Dressing;
using TryOn.Vision.People;
using TryOn.Vision.Pose;

namespace TryOn.Grains.Engines;

/// <summary>
/// The default engine for tops, outerwear, dresses and bottoms: it puts a flat-lay garment on the person the photo's
/// person analysis found. The garment's keypoints are read off its cut-out (<see cref="GarmentShapes"/>); the keypoint
/// maths (<see cref="DressingPlan"/>: a thin-plate spline for the panel, piecewise-affine sleeves and legs along the
/// limbs) runs here in C#; the pixel work (sampling the warped garment, layering it under the arms and over them,
/// clipping to the person, shading with the photo's light, compositing) is TryOn's own ONNX graph
/// (<c>garment-warp</c>, models/build_models.py), so it runs on the GPU when there is one. The result keeps the stored
/// photo's size; only the region the garment falls in goes through the graph.
/// </summary>
internal sealed class PoseWarpEngine(OnnxModels models, ImagePipeline pipeline, IsnetCutout cutout) : ITryOnEngine, IDisposable
{
    public const string ModelName = "garment-warp";

    /// <summary>The garment image's side: contained in a white square, as the cut-out model sees it.</summary>
    internal const int GarmentSide = 512;

    /// <summary>The longest side the garment layer is worked at, about one and a half garment pixels a pixel.</summary>
    private const int WorkMaxSide = 800;

    public string Name => "pose-warp";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string>(StringComparer.Ordinal) { "tops", "outerwear", "dresses", "bottoms" };

    /// <summary>The garment's keypoints are read off its outline: it must be photographed flat ...</summary>
    public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

    /// <summary>... or worn by a model, whose body the person analysis reads as it reads the shopper's.</summary>
    public IReadOnlyList<string> AlternativeClassifications { get; } = ["on_model"];

    /// <summary>The person analysis of on_model product photos, made on first use (the models are loaded by then).</summary>
    private readonly Lazy<PersonAnalyzer> _modelAnalyzer = new(() => PoseModels.CreateAnalyzer(models));

    public void Dispose()
    {
        if (_modelAnalyzer.IsValueCreated)
        {
            _modelAnalyzer.Value.Dispose();
        }
    }

    public PersonProblem? ProblemWith(PersonAnalysis person, int imageWidth, int imageHeight, ProductSnapshot product)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(product);
        if (!person.Found || GarmentKinds.Of(product.Category) is not { } kind || PoseOf(person, imageWidth, imageHeight).ProblemFor(kind) is not { } problem)
        {
            return null;
        }

        return new PersonProblem(ErrorCodes.PoseNotSupported, problem.Message, new Dictionary<string, object> { ["reason"] = problem.Reason });
    }

    /// <summary>The person's landmarks in pixels of their stored image.</summary>
    internal static BodyPose PoseOf(PersonAnalysis person, int imageWidth, int imageHeight) =>
        new([.. person.Landmarks.Select(point => new PoseLandmark(point.X, point.Y, point.Z, point.Visibility, point.Presence))], imageWidth, imageHeight);

    public async Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(progress);
        var kind = GarmentKinds.Of(input.Product.Category)
            ?? throw new EngineRefusalException($"The {Name} engine does not dress the category '{input.Product.Category}'.");
        if (input.Person is not { Found: true } person || input.PersonMask is null)
        {
            throw new EngineRefusalException("The shopper photo has no person analysis (it was stored before the analysis existed, or its mask is gone). Upload the photo again.");
        }

        RgbImage photo;
        ImageTensor garment;
        using (TryOnMetrics.EngineStage(Name, GenerationTracing.EngineDecode))
        {
            photo = pipeline.DecodeRgb(input.ShopperImage).Value
                ?? throw new InvalidOperationException("The stored shopper image could not be decoded.");
            garment = pipeline.ToTensor(input.ProductImage, GarmentSide, GarmentSide, TensorFit.Contain).Value
                ?? throw new InvalidOperationException("The product image could not be decoded.");
        }

        var worn = input.ProductClassifications is { } classifications
            && classifications.GetValueOrDefault("on_model") && !classifications.GetValueOrDefault("flat_lay");
        float[] alpha;
        GarmentPart[] labels;
        DressingOutcome outcome;
        if (worn)
        {
            using var stage = TryOnMetrics.EngineStage(Name, GenerationTracing.EngineFit);
            var garmentWorn = Worn(input.ProductImage, garment, kind, cancellationToken);
            (alpha, labels) = (garmentWorn.Alpha, garmentWorn.Parts);
            progress.Report(0.2);
            outcome = PlanOn(person, photo, input.PersonMask, (pose, mask, width, height) => DressingPlan.PlanWorn(garmentWorn, pose, mask, width, height));
        }
        else
        {
            GarmentMask mask;
            using (TryOnMetrics.EngineStage(Name, GenerationTracing.EngineCutout))
            {
                mask = cutout.IsAvailable
                    ? GarmentMask.From(await cutout.GarmentMaskAsync(input.ProductImage, GarmentSide, cancellationToken), GarmentSide, GarmentSide)
                    : GarmentMask.FromLightBackground(garment.Data, GarmentSide, GarmentSide);
            }

            progress.Report(0.2);
            using var stage = TryOnMetrics.EngineStage(Name, GenerationTracing.EngineFit);
            var reading = GarmentShapes.Read(mask, kind);
            var shape = reading.Shape ?? throw new EngineRefusalException(
                $"The garment's shape could not be read: {reading.Problem}. Use a flat-lay photo of the garment alone, front up, on a plain light background.");
            (alpha, labels) = (mask.Values, shape.Parts);
            outcome = PlanOn(person, photo, input.PersonMask, (pose, personMask, width, height) => DressingPlan.Plan(shape, GarmentSide, GarmentSide, pose, personMask, width, height));
        }

        var layout = outcome.Layout ?? throw new EngineRefusalException(outcome.Problem!);
        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(0.4);
        var region = layout.Region;
        using (TryOnMetrics.EngineStage(Name, GenerationTracing.EngineOnnx))
        {
            var parts = GarmentParts(garment.Data, alpha, labels);
            using var personValue = OrtValue.CreateTensorValueFromMemory(Planar(photo, region), [1, 3, region.Height, region.Width]);
            using var garmentValue = OrtValue.CreateTensorValueFromMemory(parts, [DressingLayout.Parts, 4, GarmentSide, GarmentSide]);
            using var gridValue = OrtValue.CreateTensorValueFromMemory(layout.Grids, [DressingLayout.Parts, layout.GridHeight, layout.GridWidth, 2]);
            using var masksValue = OrtValue.CreateTensorValueFromMemory(layout.Masks, [1, 2, layout.GridHeight, layout.GridWidth]);
            using var workValue = OrtValue.CreateTensorValueFromMemory(WorkSize(region), [2]);
            var inputs = new Dictionary<string, OrtValue>
            {
                ["person"] = personValue,
                ["garment"] = garmentValue,
                ["grid"] = gridValue,
                ["masks"] = masksValue,
                ["work_size"] = workValue,
            };
            using var outputs = models.Session(ModelName).Run(inputs, ["result"], cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            Paste(outputs[0].GetTensorDataAsSpan<float>(), photo, region);
        }

        progress.Report(0.9);
        return photo;
    }

    /// <summary><paramref name="plan"/> run on the shopper's pose and their decoded mask.</summary>
    private static DressingOutcome PlanOn(PersonAnalysis person, RgbImage photo, byte[] maskPng, Func<BodyPose, byte[], int, int, DressingOutcome> plan)
    {
        var (pixels, width, height) = ImagePipeline.DecodeMask(maskPng);
        return plan(PoseOf(person, photo.Width, photo.Height), pixels, width, height);
    }

    /// <summary>
    /// The garment worn by the model of an on_model product photo: the model read by the person analysis on the whole
    /// photo, their landmarks and mask brought into the garment image (the photo contained in the square), skin taken
    /// out.
    /// </summary>
    private WornGarment Worn(byte[] productImage, ImageTensor garment, GarmentKind kind, CancellationToken cancellationToken)
    {
        using var decoded = pipeline.DecodePhoto(productImage).Value
            ?? throw new InvalidOperationException("The product image could not be decoded.");
        var (rgb, width, height) = decoded.Frame(PersonReading.FrameMaxSide);
        var photo = new PersonPhoto(rgb, width, height, decoded.Width, decoded.Height);
        var reading = new PersonReader(_modelAnalyzer.Value).Read(photo, cropToPortrait: false, cancellationToken);
        if (!reading.Person.Found || reading.MaskPng is null)
        {
            throw new EngineRefusalException("No model was found wearing the garment in the product photo classified 'on_model'. Use a photo of the garment worn by a model facing the camera, or a flat-lay photo.");
        }

        // The photo contained in the square: scaled by its longer side, centred.
        var scale = (float)GarmentSide / Math.Max(photo.PhotoWidth, photo.PhotoHeight);
        var (left, top) = ((GarmentSide - (photo.PhotoWidth * scale)) / 2, (GarmentSide - (photo.PhotoHeight * scale)) / 2);
        var landmarks = reading.Person.Landmarks
            .Select(point => new PoseLandmark(
                (left + (point.X * photo.PhotoWidth * scale)) / GarmentSide, (top + (point.Y * photo.PhotoHeight * scale)) / GarmentSide,
                point.Z, point.Visibility, point.Presence))
            .ToList();
        var (maskPixels, maskWidth, maskHeight) = ImagePipeline.DecodeMask(reading.MaskPng);
        var plane = GarmentSide * GarmentSide;
        var modelMask = new float[plane];
        var skin = new bool[plane];
        for (var y = 0; y < GarmentSide; y++)
        {
            for (var x = 0; x < GarmentSide; x++)
            {
                var i = (y * GarmentSide) + x;
                var mx = (int)((x - left) / (photo.PhotoWidth * scale) * maskWidth);
                var my = (int)((y - top) / (photo.PhotoHeight * scale) * maskHeight);
                modelMask[i] = mx < 0 || my < 0 || mx >= maskWidth || my >= maskHeight ? 0f : maskPixels[(my * maskWidth) + mx] / 255f;
                skin[i] = GarmentPhotoClassifier.IsSkin(
                    ImagePipeline.ToByte(garment.Data[i]), ImagePipeline.ToByte(garment.Data[plane + i]), ImagePipeline.ToByte(garment.Data[(2 * plane) + i]));
            }
        }

        var (worn, problem) = WornGarment.Read(kind, new BodyPose(landmarks, GarmentSide, GarmentSide), modelMask, skin, GarmentSide, GarmentSide);
        return worn ?? throw new EngineRefusalException($"The garment could not be taken off the model: {problem}. Use a photo of the garment worn by a model facing the camera, or a flat-lay photo.");
    }

    /// <summary>
    /// The garment once per part (panel, image-left limb, image-right limb): RGB premultiplied by the part's alpha, and
    /// the alpha. The panel reaches a few pixels under the limbs, which are drawn over it, so no seam opens between them.
    /// </summary>
    private static float[] GarmentParts(float[] rgb, float[] alphas, GarmentPart[] labels)
    {
        var plane = GarmentSide * GarmentSide;
        var panel = PanelWithOverlap(labels, GarmentSide, GarmentSide, overlap: 4);
        var parts = new float[DressingLayout.Parts * 4 * plane];
        for (var part = 0; part < DressingLayout.Parts; part++)
        {
            var offset = part * 4 * plane;
            var wanted = (GarmentPart)(part + 1);
            for (var i = 0; i < plane; i++)
            {
                var alpha = (part == 0 ? panel[i] : labels[i] == wanted) ? alphas[i] : 0f;
                if (alpha <= 0f)
                {
                    continue;
                }

                parts[offset + i] = rgb[i] * alpha;
                parts[offset + plane + i] = rgb[plane + i] * alpha;
                parts[offset + (2 * plane) + i] = rgb[(2 * plane) + i] * alpha;
                parts[offset + (3 * plane) + i] = alpha;
            }
        }

        return parts;
    }

    /// <summary>The panel's pixels and the garment's other pixels within <paramref name="overlap"/> of them.</summary>
    private static bool[] PanelWithOverlap(GarmentPart[] labels, int width, int height, int overlap)
    {
        var panel = labels.Select(label => label == GarmentPart.Panel).ToArray();
        for (var pass = 0; pass < overlap; pass++)
        {
            var grown = (bool[])panel.Clone();
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var i = (y * width) + x;
                    if (!panel[i] && labels[i] != GarmentPart.None
                        && ((x > 0 && panel[i - 1]) || (x < width - 1 && panel[i + 1]) || (y > 0 && panel[i - width]) || (y < height - 1 && panel[i + width])))
                    {
                        grown[i] = true;
                    }
                }
            }

            panel = grown;
        }

        return panel;
    }

    /// <summary>
    /// The size the graph works the garment layer at: the region fitted in <see cref="WorkMaxSide"/>, never enlarged.
    /// The garment image has no more detail than that to give, and the composite is made at the region's own size.
    /// </summary>
    private static long[] WorkSize(ImageRegion region)
    {
        var scale = Math.Min(1.0, (double)WorkMaxSide / Math.Max(region.Width, region.Height));
        return [Math.Max(8, (long)Math.Ceiling(region.Height * scale)), Math.Max(8, (long)Math.Ceiling(region.Width * scale))];
    }

    /// <summary>The region's pixels as planar RGB floats in [0, 1].</summary>
    private static float[] Planar(RgbImage photo, ImageRegion region)
    {
        var plane = region.Width * region.Height;
        var data = new float[plane * 3];
        const float Scale = 1f / 255f;
        for (var y = 0; y < region.Height; y++)
        {
            var source = (((region.Top + y) * photo.Width) + region.Left) * 3;
            var target = y * region.Width;
            for (var x = 0; x < region.Width; x++, source += 3, target++)
            {
                data[target] = photo.Pixels[source] * Scale;
                data[plane + target] = photo.Pixels[source + 1] * Scale;
                data[(2 * plane) + target] = photo.Pixels[source + 2] * Scale;
            }
        }

        return data;
    }

    /// <summary>Writes the graph's planar result back over the region of the photo.</summary>
    private static void Paste(ReadOnlySpan<float> result, RgbImage photo, ImageRegion region)
    {
        var plane = region.Width * region.Height;
        for (var y = 0; y < region.Height; y++)
        {
            var target = (((region.Top + y) * photo.Width) + region.Left) * 3;
            var source = y * region.Width;
            for (var x = 0; x < region.Width; x++, target += 3, source++)
            {
                photo.Pixels[target] = ImagePipeline.ToByte(result[source]);
                photo.Pixels[target + 1] = ImagePipeline.ToByte(result[plane + source]);
                photo.Pixels[target + 2] = ImagePipeline.ToByte(result[(2 * plane) + source]);
            }
        }
    }
}
