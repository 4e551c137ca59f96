using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.People;
using TryOn.Grains.Engines;
using TryOn.Grains.People;
using TryOn.Pipeline.Images;
using TryOn.Web.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// Draws what the person analysis sees, for the pictures in docs/: each photo goes through the service's own path
/// (decoded and fitted as an upload is, the frame, <see cref="PersonReader"/> with the person-aware 4:5 crop or
/// without it), and the stored image is written with the mask tinted over it, the box, the skeleton and the landmarks.
/// Run: <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- person-pictures OUT_DIR [--no-crop] PHOTO...</c>.
/// </summary>
public static class PersonDebugPictures
{
    /// <summary>BlazePose's body skeleton, as pairs of landmark indexes.</summary>
    private static readonly (int From, int To)[] Skeleton =
    [
        (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24), (23, 25), (25, 27), (24, 26), (26, 28),
        (27, 29), (29, 31), (28, 30), (30, 32), (0, 2), (0, 5), (2, 7), (5, 8), (9, 10),
    ];

    public static void Run(IReadOnlyList<string> args)
    {
        var output = args[0];
        var crop = !args.Contains("--no-crop");
        Directory.CreateDirectory(output);
        var pipeline = new ImagePipeline(Options.Create(new ImagePipelineOptions()));
        using var models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        models.Load();
        using var analyzer = PoseModels.CreateAnalyzer(models);
        var reader = new PersonReader(analyzer);
        foreach (var path in args.Skip(1).Where(arg => !arg.StartsWith("--", StringComparison.Ordinal)))
        {
            using var photo = pipeline.DecodePhoto(File.ReadAllBytes(path)).Value!;
            var reading = reader.Read(PersonPhoto.Of(photo), crop);
            var stored = photo.Encode(reading.Crop);
            var target = Path.Combine(output, Path.GetFileNameWithoutExtension(path) + (crop ? "" : "-uncropped") + "-person.png");
            File.WriteAllBytes(target, Draw(stored.Bytes, reading));
            if (reading.MaskPng is { } mask)
            {
                File.WriteAllBytes(Path.ChangeExtension(target, null) + "-mask.png", mask);
            }
            var person = reading.Person;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: {photo.Width}x{photo.Height} -> crop {reading.CropLeft},{reading.CropTop} {reading.CropWidth}x{reading.CropHeight}; found {person.Found}, box {person.Box}, {person.Framing}, facing {person.FacingCamera}, score {person.Score:0.000}; problem {PersonRequirements.ProblemOf(person, reading.CropHeight)?.Code ?? "none"} -> {target}"));
        }
    }

    private static byte[] Draw(byte[] stored, PersonReading reading)
    {
        using var photo = Image.NewFromBuffer(stored);
        var image = photo.Copy();
        if (reading.MaskPng is { } maskPng)
        {
            using var mask = Image.NewFromBuffer(maskPng);
            using var fitted = mask.Resize((double)image.Width / mask.Width, vscale: (double)image.Height / mask.Height);
            using var alpha = fitted.Linear([0.45 / 255], [0.0]);
            using var tint = image.NewFromImage(40, 200, 255);
            // photo * (1 - a) + tint * a, per pixel
            using var blended = (image * (1 - alpha)) + (tint * alpha);
            image.Dispose();
            image = blended.Cast(Enums.BandFormat.Uchar);
        }

        var person = reading.Person;
        var radius = Math.Max(3, image.Width / 120);
        var drawn = image.Mutate(canvas =>
        {
            if (person.Box is { } box)
            {
                canvas.DrawRect([255, 220, 0], box.Left, box.Top, box.Width, box.Height);
            }

            foreach (var (from, to) in person.Found ? Skeleton : [])
            {
                var a = person.Landmarks[from];
                var b = person.Landmarks[to];
                canvas.DrawLine([255, 255, 255], (int)(a.X * image.Width), (int)(a.Y * image.Height), (int)(b.X * image.Width), (int)(b.Y * image.Height));
            }

            for (var i = 0; i < person.Landmarks.Length; i++)
            {
                var point = person.Landmarks[i];
                // Seen points red (the person's left) or green (right, and the middle); hidden ones grey.
                double[] ink = point.Visibility < 0.5 ? [150, 150, 150] : i % 2 == 1 && i is > 0 and < 33 ? [255, 40, 40] : [40, 255, 60];
                canvas.DrawCircle(ink, (int)(point.X * image.Width), (int)(point.Y * image.Height), radius, fill: true);
            }
        });
        image.Dispose();
        using (drawn)
        {
            return drawn.PngsaveBuffer();
        }
    }
}
