using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using NetVips;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Engines;

/// <summary>The default engine: the committed ONNX graph, verified against the manifest and run by ONNX Runtime on the CPU.</summary>
public sealed class CompositeEngineTests
{
    private static readonly ImagePipeline Pipeline = new(Options.Create(new ImagePipelineOptions()));

    private static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    private static OnnxModels Load(string directory, string executionProvider = "cpu")
    {
        var models = new OnnxModels(Options.Create(new ModelOptions { Directory = directory, ExecutionProvider = executionProvider, IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        models.Load();
        return models;
    }

    /// <summary>A blue T-shirt laid flat on white, the kind of product photo the engine is made for.</summary>
    public static byte[] BlueTee()
    {
        using var background = TestImages.Solid(600, 600, 255, 255, 255);
        using var body = TestImages.Solid(260, 380, 30, 70, 200);
        using var sleeves = TestImages.Solid(480, 110, 30, 70, 200);
        using var withBody = background.Insert(body, 170, 150);
        using var tee = withBody.Insert(sleeves, 60, 150);
        return TestImages.Png(tee);
    }

    [Fact]
    public async Task The_garment_is_put_on_the_torso_and_the_rest_of_the_photo_is_kept()
    {
        using var models = Load(ModelsDirectory);
        var engine = new CompositeEngine(models, Pipeline, new IsnetCutout(models, Pipeline));
        var person = Pipeline.Normalize(TestImages.Read("person-astronaut.png"), cropToPortrait: true).Value!.Bytes;
        var product = new ProductSnapshot("acct_1", "tee", ProductKind.Catalog, "Blue tee", null, [], null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);

        var result = await engine.RunAsync(new EngineInput(person, BlueTee(), product), new Progress<double>(), CancellationToken.None);

        using var output = TestImages.FromRgb(result);
        Assert.Equal((768, 1024), (output.Width, output.Height));
        var chest = output.Getpoint(384, 640);
        Assert.True(chest[2] > chest[0] + 60, $"The chest should be blue, it is {string.Join(",", chest)}.");
        using var original = TestImages.FromRgb(ImagePipeline.FromTensor(Pipeline.ToTensor(person, 768, 1024).Value!.Data, 768, 1024));
        var corner = output.Getpoint(20, 20);
        var before = original.Getpoint(20, 20);
        Assert.All(corner.Zip(before), pair => Assert.InRange(pair.First - pair.Second, -12, 12));
    }

    [Fact]
    public async Task A_cancelled_run_is_reported_as_cancellation_not_as_an_engine_failure()
    {
        using var models = Load(ModelsDirectory);
        var engine = new CompositeEngine(models, Pipeline, new IsnetCutout(models, Pipeline));
        var person = Pipeline.Normalize(TestImages.Read("person-astronaut.png"), cropToPortrait: true).Value!.Bytes;
        var product = new ProductSnapshot("acct_1", "tee", ProductKind.Catalog, "Blue tee", null, [], null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);
        using var drain = new CancellationTokenSource();
        await drain.CancelAsync();

        // The scheduler drives a generation again on OperationCanceledException and fails it on anything else.
        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(
            () => engine.RunAsync(new EngineInput(person, BlueTee(), product), new Progress<double>(), drain.Token));
        Assert.Equal(drain.Token, cancelled.CancellationToken);
    }

    [Fact]
    public void A_session_run_stopped_by_its_token_throws_OperationCanceledException()
    {
        using var models = Load(ModelsDirectory);
        var session = models.Session(CompositeEngine.ModelName);
        using var person = OrtValue.CreateTensorValueFromMemory(new float[3 * 1024 * 768], [1, 3, 1024, 768]);
        using var garment = OrtValue.CreateTensorValueFromMemory(new float[3 * 512 * 512], [1, 3, 512, 512]);
        var inputs = new Dictionary<string, OrtValue> { ["person"] = person, ["garment"] = garment };
        using var drain = new CancellationTokenSource();

        // Cancelled once the run is under way: ONNX Runtime sees Terminate and fails the run with its own exception.
        var cancelled = Assert.Throws<OperationCanceledException>(() => CancellableInference.Run(
            runOptions =>
            {
                drain.Cancel();
                return session.Run(runOptions, inputs, ["result"]);
            },
            drain.Token));
        Assert.Equal(drain.Token, cancelled.CancellationToken);
        Assert.IsType<OnnxRuntimeException>(cancelled.InnerException);
    }

    [Fact]
    public void An_altered_model_file_is_refused_at_start_up()
    {
        using var directory = new TempDirectory();
        foreach (var file in Directory.GetFiles(ModelsDirectory))
        {
            File.Copy(file, Path.Combine(directory.Path, Path.GetFileName(file)));
        }

        var model = Path.Combine(directory.Path, "garment-composite.onnx");
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(model, bytes);

        var failure = Assert.Throws<InvalidOperationException>(() => Load(directory.Path));
        Assert.Contains("SHA-256", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_falls_back_to_the_cpu_where_the_gpu_package_is_absent()
    {
        using var models = Load(ModelsDirectory, executionProvider: "cuda");
        Assert.True(models.IsReady);
        Assert.Equal("cpu", models.ExecutionProvider);
    }

    [Fact]
    public void The_engine_serves_upper_body_categories_and_needs_a_flat_lay()
    {
        using var models = Load(ModelsDirectory);
        var engine = new CompositeEngine(models, Pipeline, new IsnetCutout(models, Pipeline));
        var registry = new EngineRegistry([engine]);
        var images = ImmutableArray.Create(new ProductImage("pimg_1", "upload://pimg_1", 0, ImmutableDictionary<string, bool>.Empty.Add("on_model", true).Add("flat_lay", false), "k", ImmutableDictionary<string, bool>.Empty, null, null));
        var product = new ProductSnapshot("acct_1", "tee", ProductKind.Catalog, "Tee", null, images, null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);

        var choice = registry.Choose(product);
        Assert.Same(engine, choice.Engine);
        Assert.Equal("flat_lay", choice.MissingClassification);
        Assert.Null(registry.Choose(product with { Category = "footwear" }).Engine);
    }
}
