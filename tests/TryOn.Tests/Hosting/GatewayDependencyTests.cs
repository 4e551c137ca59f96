using System.Text.Json;

namespace TryOn.Tests.Hosting;

/// <summary>
/// The cluster gateway (src/Gateway) carries what it uses, contracts, read models and blob links, and nothing that
/// runs models (docs/architecture.md): its dependency manifest, as the build wrote it, is read.
/// </summary>
public sealed class GatewayDependencyTests
{
    [Fact]
    public void The_gateway_references_no_grain_engine_or_ONNX_Runtime()
    {
        var libraries = Libraries("TryOn.Gateway.deps.json");

        Assert.Contains("TryOn.Web", libraries);
        Assert.Contains("TryOn.Contracts", libraries);
        Assert.Contains("TryOn.Storage", libraries);
        Assert.DoesNotContain(libraries, name =>
            name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)
            || name is "TryOn.Grains" or "TryOn.Vision" or "TryOn.Api" or "TryOn.Silo");
    }

    [Fact]
    public void The_embedded_service_and_the_silo_do_run_models()
    {
        foreach (var host in new[] { "TryOn.Api.deps.json", "TryOn.Silo.deps.json" })
        {
            var libraries = Libraries(host);
            Assert.Contains("TryOn.Grains", libraries);
            Assert.Contains(libraries, name => name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
        }
    }

    /// <summary>The names (without versions) of every library a host's deps.json lists.</summary>
    private static IReadOnlySet<string> Libraries(string depsFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, depsFile)));
        return document.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(library => library.Name.Split('/')[0])
            .ToHashSet(StringComparer.Ordinal);
    }
}
