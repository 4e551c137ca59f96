using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;

namespace TryOn.Benchmarks;

/// <summary>
/// The optional ISNet cut-out on this machine: loading, verifying and warming the installed model, then the cut-out of
/// a 600x600 flat-lay product photo without the mask cache (decode to 1024x1024, the ISNet run, the mask shrunk to
/// 512x512), and the composite engine run with and without it. Needs models/install-isnet.sh run in this checkout.
/// Run: <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- isnet [--runs 10]</c>.
/// </summary>
public static class IsnetCutoutTiming
{
    public static async Task RunAsync(IReadOnlyList<string> args)
    {
        var runs = args is ["--runs", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 10;
        var directory = FindInstalled();
        var pipeline = new ImagePipeline(Options.Create(new ImagePipelineOptions()));
        var clock = Stopwatch.StartNew();
        using var plain = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        plain.Load();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start-up without ISNet: manifest models verified, loaded and warmed in {clock.ElapsedMilliseconds} ms; peak working set {PeakMiB()} MiB"));
        clock.Restart();
        using var models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = directory }), NullLogger<OnnxModels>.Instance);
        models.Load();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start-up with ISNet: manifest models and ISNet verified, loaded and warmed in {clock.ElapsedMilliseconds} ms ({Path.GetFileName(directory)})"));

        var person = pipeline.Normalize(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png")), cropToPortrait: true).Value!.Bytes;
        var product = new ProductSnapshot("acct_b", "tee", ProductKind.Catalog, "Tee", null, [], null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);
        using var background = Image.Black(600, 600).NewFromImage(255, 255, 255).Cast(Enums.BandFormat.Uchar);
        using var body = Image.Black(260, 380).NewFromImage(30, 70, 200).Cast(Enums.BandFormat.Uchar);
        using var tee = background.Insert(body, 170, 150);
        var garment = tee.PngsaveBuffer();

        var first = await TimeAsync(() => new IsnetCutout(models, pipeline).GarmentMaskAsync(garment, 512, CancellationToken.None));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first cut-out after start-up: {first:0.0} ms"));
        var cutouts = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            // A new cut-out each time, so each run computes the mask rather than reading it from the cache.
            cutouts[i] = await TimeAsync(() => new IsnetCutout(models, pipeline).GarmentMaskAsync(garment, 512, CancellationToken.None));
        }

        var session = models.Session(OnnxModels.IsnetName);
        var zeros = new float[3 * 1024 * 1024];
        var bare = Enumerable.Range(0, runs).Select(_ => Time(() =>
        {
            using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(zeros, [1, 3, 1024, 1024]);
            using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
            using var outputs = session.Run(runOptions, new Dictionary<string, Microsoft.ML.OnnxRuntime.OrtValue> { ["input"] = value }, ["output"]);
        })).ToArray();
        var isnet = new CompositeEngine(models, pipeline, new IsnetCutout(models, pipeline));
        var heuristic = new CompositeEngine(plain, pipeline, new IsnetCutout(plain, pipeline));
        var input = new EngineInput(person, garment, product);
        await isnet.RunAsync(input, new Progress<double>(), CancellationToken.None);
        var cached = new double[runs];
        var withHeuristic = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            cached[i] = await TimeAsync(() => isnet.RunAsync(input, new Progress<double>(), CancellationToken.None));
            withHeuristic[i] = await TimeAsync(() => heuristic.RunAsync(input, new Progress<double>(), CancellationToken.None));
        }

        Console.WriteLine($"{runs} runs each, one at a time");
        Console.WriteLine($"{"",-62} {"mean",8} {"p50",8} {"p95",8}  (ms)");
        Row("ISNet cut-out, not cached (decode 1024, ISNet, shrink)", cutouts);
        Row("  of which: the ISNet session run alone (zeros in)", bare);
        Row("engine run with the ISNet mask cached (same product image)", cached);
        Row("engine run with the built-in heuristic cut-out", withHeuristic);
        Console.WriteLine($"working set of the process: peak {PeakMiB()} MiB, now {Environment.WorkingSet / (1024 * 1024)} MiB");
    }

    private static long PeakMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024 * 1024);
    }

    private static void Row(string label, double[] values)
    {
        Array.Sort(values);
        double Percentile(double q) => values[Math.Clamp((int)Math.Ceiling(q * values.Length) - 1, 0, values.Length - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-62} {values.Average(),8:0.0} {Percentile(0.5),8:0.0} {Percentile(0.95),8:0.0}"));
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The checkout's installed ISNet folder (models/optional/isnet), found from the working directory up.</summary>
    public static string FindInstalled()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var isnet = Path.Combine(folder.FullName, "models", "optional", "isnet");
            if (File.Exists(Path.Combine(folder.FullName, "TryOn.sln")) && File.Exists(Path.Combine(isnet, "manifest.json")))
            {
                return isnet;
            }
        }

        throw new InvalidOperationException("No models/optional/isnet/manifest.json in this checkout; run models/install-isnet.sh first.");
    }
}
