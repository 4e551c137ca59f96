using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.Generations;
using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.People;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Web.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The gallery of the pose-warp engine (docs/gallery.md): each photo goes through the service's own path (decoded and
/// fitted as an upload is, the person analysis with the person-aware 4:5 crop, the stored copy), then each garment is
/// put on it by the engine as a generation would. Writes the before and after side by side, and prints each run's
/// engine time, and with <c>--repeat N</c> the median of N runs by stage. Run: <c>dotnet run -c Release --project
/// tests/TryOn.Benchmarks -- dress-pictures OUT_DIR [--repeat N] [--layout] CATEGORY=GARMENT... PHOTO...</c>, garments
/// given as <c>tops=tee.jpg</c>, <c>bottoms=jeans.jpg</c> (flat lays) or <c>tops:on_model=model.jpg</c> (worn by a model).
/// </summary>
public static class DressPictures
{
    public static void Run(IReadOnlyList<string> args)
    {
        var output = args[0];
        Directory.CreateDirectory(output);
        var garments = args.Skip(1).Where(arg => arg.Contains('=', StringComparison.Ordinal)).Select(arg => arg.Split('=', 2)).ToList();
        var photos = args.Skip(1).Where(arg => !arg.Contains('=', StringComparison.Ordinal) && !arg.StartsWith("--", StringComparison.Ordinal)).ToList();
        var pipeline = new ImagePipeline(Options.Create(new ImagePipelineOptions()));
        using var models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        models.Load();
        using var analyzer = PoseModels.CreateAnalyzer(models);
        var reader = new PersonReader(analyzer);
        var engine = new PoseWarpEngine(models, pipeline, new IsnetCutout(models, pipeline));
        var repeatAt = args.ToList().IndexOf("--repeat");
        var repeat = repeatAt > 0 ? int.Parse(args[repeatAt + 1], CultureInfo.InvariantCulture) : 1;
        photos.RemoveAll(arg => repeatAt > 0 && arg == args[repeatAt + 1]);
        var stages = new ConcurrentDictionary<string, List<double>>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GenerationTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => stages.GetOrAdd(activity.OperationName, _ => []).Add(activity.Duration.TotalMilliseconds),
        };
        ActivitySource.AddActivityListener(listener);
        foreach (var path in photos)
        {
            using var photo = pipeline.DecodePhoto(File.ReadAllBytes(path)).Value!;
            var reading = reader.Read(PersonPhoto.Of(photo), cropToPortrait: true);
            var stored = photo.Encode(reading.Crop);
            foreach (var garment in garments)
            {
                // tops:on_model=photo.jpg: a product photo of the garment worn by a model.
                var category = garment[0].Split(':')[0];
                var classifications = garment[0].EndsWith(":on_model", StringComparison.Ordinal)
                    ? new Dictionary<string, bool> { ["on_model"] = true }
                    : new Dictionary<string, bool> { ["flat_lay"] = true };
                var product = new ProductSnapshot("acct_gallery", "garment", ProductKind.Catalog, "Garment", null, [], null, null, category, null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);
                var input = new EngineInput(stored.Bytes, File.ReadAllBytes(garment[1]), product, reading.Person, reading.MaskPng, classifications);
                var name = $"{Path.GetFileNameWithoutExtension(path)}-{Path.GetFileNameWithoutExtension(garment[1])}";
                try
                {
                    stages.Clear();
                    var times = new List<double>();
                    RgbImage? result = null;
                    for (var run = 0; run < repeat; run++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        result = engine.RunAsync(input, new Progress<double>(), CancellationToken.None).GetAwaiter().GetResult();
                        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    File.WriteAllBytes(Path.Combine(output, name + ".png"), SideBySide(stored.Bytes, pipeline.EncodeResult(result!)!.Bytes));
                    if (args.Contains("--layout"))
                    {
                        File.WriteAllBytes(Path.Combine(output, name + "-layout.png"), Layout(pipeline, stored, input, category));
                    }
                    var byStage = string.Join(", ", stages.OrderBy(stage => stage.Key, StringComparer.Ordinal).Select(stage => string.Create(CultureInfo.InvariantCulture, $"{stage.Key} {Median(stage.Value):0.0}")));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {stored.Width}x{stored.Height}, engine {Median(times):0} ms (median of {repeat}; first {times[0]:0} ms); {byStage}"));
                }
                catch (EngineRefusalException refusal)
                {
                    Console.WriteLine($"{name}: refused: {refusal.Message}");
                }
            }
        }
    }

    /// <summary>
    /// What the engine's keypoint maths decided, drawn over the photo at the grid's resolution: the part each node
    /// shows (panel red, image-left limb green, image-right limb blue), the arms over the panel (grey) and where no
    /// garment may go (dark).
    /// </summary>
    private static byte[] Layout(ImagePipeline pipeline, StoredImage stored, EngineInput input, string category)
    {
        const int Side = PoseWarpEngine.GarmentSide;
        var tensor = pipeline.ToTensor(input.ProductImage, Side, Side, TensorFit.Contain).Value!;
        var mask = TryOn.Vision.Dressing.GarmentMask.FromLightBackground(tensor.Data, Side, Side);
        var shape = TryOn.Vision.Dressing.GarmentShapes.Read(mask, TryOn.Vision.Dressing.GarmentKinds.Of(category)!.Value).Shape!;
        var (personMask, maskWidth, maskHeight) = ImagePipeline.DecodeMask(input.PersonMask!);
        var pose = PoseWarpEngine.PoseOf(input.Person!, stored.Width, stored.Height);
        var layout = TryOn.Vision.Dressing.DressingPlan.Plan(shape, Side, Side, pose, personMask, maskWidth, maskHeight).Layout!;
        var nodes = layout.GridWidth * layout.GridHeight;
        var rgb = new byte[nodes * 3];
        for (var node = 0; node < nodes; node++)
        {
            float r = 0, g = 0, b = 0;
            for (var part = 0; part < 3; part++)
            {
                var gx = layout.Grids[((part * nodes) + node) * 2];
                var gy = layout.Grids[(((part * nodes) + node) * 2) + 1];
                var x = (int)(((gx + 1) * Side / 2) - 0.5f);
                var y = (int)(((gy + 1) * Side / 2) - 0.5f);
                if (x < 0 || y < 0 || x >= Side || y >= Side || shape.Parts[(y * Side) + x] != (TryOn.Vision.Dressing.GarmentPart)(part + 1))
                {
                    continue;
                }

                (r, g, b) = part switch { 0 => (220f, 40f, 40f), 1 => (40f, 200f, 40f), _ => (40f, 80f, 230f) };
            }

            var arms = layout.Masks[node];
            var allowed = layout.Masks[nodes + node];
            rgb[node * 3] = (byte)Math.Clamp(((r * (1 - (0.5f * arms))) + (120 * arms)) * (0.3f + (0.7f * allowed)), 0, 255);
            rgb[(node * 3) + 1] = (byte)Math.Clamp(((g * (1 - (0.5f * arms))) + (120 * arms)) * (0.3f + (0.7f * allowed)), 0, 255);
            rgb[(node * 3) + 2] = (byte)Math.Clamp(((b * (1 - (0.5f * arms))) + (120 * arms)) * (0.3f + (0.7f * allowed)), 0, 255);
        }

        using var image = Image.NewFromMemory(rgb, layout.GridWidth, layout.GridHeight, 3, Enums.BandFormat.Uchar);
        using var large = image.Resize(4, kernel: Enums.Kernel.Nearest);
        return large.PngsaveBuffer();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Before and after, side by side, 640 pixels high.</summary>
    private static byte[] SideBySide(byte[] before, byte[] after)
    {
        using var leftRaw = Image.ThumbnailBuffer(before, 2000, height: 640);
        using var left = leftRaw.HasAlpha() ? leftRaw.Flatten(background: [255, 255, 255]) : leftRaw.Copy();
        using var right = Image.ThumbnailBuffer(after, 2000, height: 640);
        using var joined = left.Join(right, Enums.Direction.Horizontal, shim: 8, background: [255, 255, 255], expand: true);
        return joined.PngsaveBuffer();
    }
}
