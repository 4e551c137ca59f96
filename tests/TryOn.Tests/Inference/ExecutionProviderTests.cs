using Microsoft.Extensions.Options;
using TryOn.Grains.Engines;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Inference;

/// <summary><c>Models:ExecutionProvider</c> on a build or machine without CUDA, as CI and laptops are.</summary>
public sealed class ExecutionProviderTests
{
    [Fact]
    public void Cuda_that_cannot_load_falls_back_to_the_cpu_with_one_warning_and_every_model_runs()
    {
        var log = new List<string>();
        using var models = new OnnxModels(
            Options.Create(new ModelOptions { ExecutionProvider = "cuda", IsnetDirectory = "" }),
            new ListLogger<OnnxModels>(log));

        models.Load();

        Assert.True(models.IsReady);
        Assert.Equal("cpu", models.ExecutionProvider);
        Assert.Single(log, line => line.StartsWith("Warning: The CUDA execution provider is not available", StringComparison.Ordinal));
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", "manifest.json")));
        Assert.Equal(manifest.RootElement.GetProperty("models").GetArrayLength(), log.Count(line => line.Contains("loaded and warmed on the cpu execution provider", StringComparison.Ordinal)));
    }
}
