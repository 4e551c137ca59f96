using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using NetVips;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Engines;

/// <summary>
/// The optional ISNet cut-out (AGPL-3.0, installed by models/install-isnet.sh): never loaded unless installed; its
/// path run with a committed stand-in of the same interface; and with the real model where a checkout has it.
/// </summary>
public sealed class IsnetCutoutTests
{
    private static readonly ImagePipeline Pipeline = new(Options.Create(new ImagePipelineOptions()));

    private static readonly ProductSnapshot Tee = new("acct_1", "tee", ProductKind.Catalog, "Tee", null, [], null, null, "tops", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);

    private static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    private static byte[] Person => Pipeline.Normalize(TestImages.Read("person-astronaut.png"), cropToPortrait: true).Value!.Bytes;

    private static OnnxModels Load(string isnetDirectory, List<string> log)
    {
        var models = new OnnxModels(
            Options.Create(new ModelOptions { Directory = ModelsDirectory, IsnetDirectory = isnetDirectory }),
            new ListLogger<OnnxModels>(log));
        models.Load();
        return models;
    }

    /// <summary>Installs the stand-in model in <paramref name="directory"/> as the script installs the real one.</summary>
    private static void InstallStandIn(string directory, string? recordedSha256 = null, string outputName = "output")
    {
        var bytes = TestImages.Read("isnet-standin.onnx");
        File.WriteAllBytes(Path.Combine(directory, "isnet-standin.onnx"), bytes);
        var manifest = new
        {
            models = new[]
            {
                new
                {
                    name = "isnet",
                    file = "isnet-standin.onnx",
                    sha256 = recordedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(bytes)),
                    outputs = new Dictionary<string, int[]> { [outputName] = [1, 1, 1024, 1024] },
                },
            },
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest));
    }

    [Fact]
    public async Task Without_an_installed_manifest_nothing_is_loaded_and_the_engine_keeps_its_own_cutout()
    {
        using var directory = new TempDirectory();
        // A model file alone is not an installation: were it opened, these bytes would fail the start.
        File.WriteAllBytes(Path.Combine(directory.Path, "isnet-medium.onnx"), [1, 2, 3]);
        var log = new List<string>();
        using var models = Load(directory.Path, log);
        var cutout = new IsnetCutout(models, Pipeline);

        Assert.True(models.IsReady);
        Assert.False(models.Has(OnnxModels.IsnetName));
        Assert.False(cutout.IsAvailable);
        Assert.Single(log, line => line.Contains("ISNet cut-out model not installed", StringComparison.Ordinal) && line.Contains("built-in heuristic", StringComparison.Ordinal));
        var result = await new CompositeEngine(models, Pipeline, cutout).RunAsync(new EngineInput(Person, CompositeEngineTests.BlueTee(), Tee), new Progress<double>(), CancellationToken.None);
        using var output = TestImages.FromRgb(result);
        var chest = output.Getpoint(384, 640);
        Assert.True(chest[2] > chest[0] + 60, $"The chest should be blue, it is {string.Join(",", chest)}.");
    }

    [Fact]
    public void An_empty_setting_never_looks_for_the_model()
    {
        var log = new List<string>();
        using var models = Load("", log);

        Assert.False(models.Has(OnnxModels.IsnetName));
        Assert.Single(log, line => line.Contains("ISNet cut-out model not installed (not configured)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_installed_model_that_does_not_match_its_manifest_stops_the_start()
    {
        using var directory = new TempDirectory();
        InstallStandIn(directory.Path, recordedSha256: new string('0', 64));

        var failure = Assert.Throws<InvalidOperationException>(() => Load(directory.Path, []));
        Assert.Contains("isnet-standin.onnx does not match its SHA-256", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_warm_up_fails_stops_the_start_and_its_session_is_released()
    {
        using var directory = new TempDirectory();
        // The manifest promises an output the model does not have, so its warm-up run fails.
        InstallStandIn(directory.Path, outputName: "no_such_output");
        var opened = new List<WatchedSession>();
        using var models = new OnnxModels(
            Options.Create(new ModelOptions { Directory = ModelsDirectory, IsnetDirectory = directory.Path }),
            new ListLogger<OnnxModels>([]))
        {
            OpenSession = (model, sessionOptions) =>
            {
                var session = new WatchedSession(model, sessionOptions);
                opened.Add(session);
                return session;
            },
        };

        Assert.Throws<OnnxRuntimeException>(models.Load);

        Assert.False(models.IsReady);
        Assert.False(models.Has(OnnxModels.IsnetName));
        Assert.True(opened[^1].IsDisposed, "The session whose warm-up failed should be disposed at once.");
        Assert.All(opened[..^1], session => Assert.False(session.IsDisposed));
    }

    [Fact]
    public async Task With_the_model_installed_its_mask_cuts_the_garment_out_and_the_masked_graph_composites_it()
    {
        using var directory = new TempDirectory();
        InstallStandIn(directory.Path);
        var log = new List<string>();
        using var models = Load(directory.Path, log);
        var cutout = new IsnetCutout(models, Pipeline);

        Assert.True(cutout.IsAvailable);
        Assert.Single(log, line => line.Contains("ISNet cut-out model", StringComparison.Ordinal) && line.Contains("garment cut-outs use it", StringComparison.Ordinal));
        var tee = CompositeEngineTests.BlueTee();
        var mask = await cutout.GarmentMaskAsync(tee, 512, CancellationToken.None);
        Assert.Equal(512 * 512, mask.Length);
        Assert.InRange(mask[(256 * 512) + 256], 0.99f, 1f);
        Assert.InRange(mask[(10 * 512) + 10], 0f, 0.01f);
        Assert.Same(mask, await cutout.GarmentMaskAsync(tee, 512, CancellationToken.None));

        var result = await new CompositeEngine(models, Pipeline, cutout).RunAsync(new EngineInput(Person, tee, Tee), new Progress<double>(), CancellationToken.None);
        using var output = TestImages.FromRgb(result);
        var chest = output.Getpoint(384, 640);
        Assert.True(chest[2] > chest[0] + 60, $"The chest should be blue, it is {string.Join(",", chest)}.");
    }

    [Fact]
    public async Task A_cancelled_cutout_is_reported_as_cancellation()
    {
        using var directory = new TempDirectory();
        InstallStandIn(directory.Path);
        using var models = Load(directory.Path, []);
        var cutout = new IsnetCutout(models, Pipeline);
        using var drain = new CancellationTokenSource();
        drain.Cancel();

        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(() => cutout.GarmentMaskAsync(CompositeEngineTests.BlueTee(), 512, drain.Token));
        Assert.Equal(drain.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task The_masks_of_the_last_16_product_images_are_kept_and_the_least_recently_used_goes_first()
    {
        using var directory = new TempDirectory();
        InstallStandIn(directory.Path);
        using var models = Load(directory.Path, []);
        var cutout = new IsnetCutout(models, Pipeline);
        var products = Enumerable.Range(0, 17).Select(Garment).ToArray();
        var masks = new float[17][];
        for (var i = 0; i < 16; i++)
        {
            masks[i] = await cutout.GarmentMaskAsync(products[i], 512, CancellationToken.None);
        }

        Assert.Same(masks[0], await cutout.GarmentMaskAsync(products[0], 512, CancellationToken.None));
        masks[16] = await cutout.GarmentMaskAsync(products[16], 512, CancellationToken.None);

        // The 17th image pushed out the one used longest ago (1, since 0 was just used), and only that one.
        Assert.Same(masks[0], await cutout.GarmentMaskAsync(products[0], 512, CancellationToken.None));
        for (var i = 2; i < 17; i++)
        {
            Assert.Same(masks[i], await cutout.GarmentMaskAsync(products[i], 512, CancellationToken.None));
        }

        Assert.NotSame(masks[1], await cutout.GarmentMaskAsync(products[1], 512, CancellationToken.None));
    }

    [Fact]
    public async Task Generations_asking_for_the_same_product_image_at_once_share_one_mask()
    {
        using var directory = new TempDirectory();
        InstallStandIn(directory.Path);
        using var models = Load(directory.Path, []);
        var cutout = new IsnetCutout(models, Pipeline);
        var tee = CompositeEngineTests.BlueTee();
        using var start = new Barrier(4);

        var masks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                Assert.True(start.SignalAndWait(TimeSpan.FromSeconds(30)), "all four callers to be ready");
                return cutout.GarmentMaskAsync(tee, 512, CancellationToken.None);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()));

        Assert.All(masks, mask => Assert.Same(masks[0], mask));
    }

    /// <summary>A flat-lay of a different colour for each <paramref name="index"/>, so each has its own SHA-256.</summary>
    private static byte[] Garment(int index)
    {
        using var background = TestImages.Solid(120, 120, 255, 255, 255);
        using var body = TestImages.Solid(60, 80, 10 * index, 70, 200);
        using var garment = background.Insert(body, 30, 20);
        return TestImages.Png(garment);
    }

    [IsnetInstalledFact]
    public async Task The_installed_isnet_model_cuts_a_white_tee_out_of_a_light_grey_background()
    {
        // The case the built-in heuristic cannot do: a garment as light as its background.
        using var background = TestImages.Solid(600, 600, 215, 215, 215);
        using var body = TestImages.Solid(260, 380, 250, 250, 250);
        using var sleeves = TestImages.Solid(480, 110, 250, 250, 250);
        using var withBody = background.Insert(body, 170, 150);
        using var whiteTee = withBody.Insert(sleeves, 60, 150);
        var product = TestImages.Png(whiteTee);
        var log = new List<string>();
        using var models = Load(IsnetInstalledFactAttribute.InstalledDirectory!, log);
        var cutout = new IsnetCutout(models, Pipeline);

        var mask = await cutout.GarmentMaskAsync(product, 512, CancellationToken.None);

        // 600 -> 512: the body spans x 148-370, y 128-452; the sleeves y 128-222.
        Assert.InRange(Mean(mask, 200, 250, 320, 420), 0.8f, 1f);
        Assert.InRange(Mean(mask, 0, 0, 40, 40), 0f, 0.1f);
        Assert.InRange(Mean(mask, 0, 470, 100, 512), 0f, 0.1f);
        var result = await new CompositeEngine(models, Pipeline, cutout).RunAsync(new EngineInput(Person, product, Tee), new Progress<double>(), CancellationToken.None);
        using var output = TestImages.FromRgb(result);
        var chest = output.Getpoint(384, 640);
        Assert.True(chest.Min() > 170, $"The chest should be the white tee, it is {string.Join(",", chest)}.");
    }

    private static float Mean(float[] mask, int left, int top, int right, int bottom)
    {
        var sum = 0f;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                sum += mask[(y * 512) + x];
            }
        }

        return sum / ((right - left) * (bottom - top));
    }

    /// <summary>A real session that records whether it was disposed.</summary>
    private sealed class WatchedSession(byte[] model, SessionOptions sessionOptions) : InferenceSession(model, sessionOptions)
    {
        public bool IsDisposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }
    }
}
