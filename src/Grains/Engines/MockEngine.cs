using Microsoft.Extensions.Options;
using TryOn.Pipeline.Images;

namespace TryOn.Grains.Engines;

/// <summary>
/// The engine of products titled <c>mock</c> (docs/generations.md): the result is the shopper photo, after about a second.
/// Lets integrations be built and tested without spending engine time.
/// </summary>
internal sealed class MockEngine(IOptions<EngineOptions> options, ImagePipeline pipeline) : ITryOnEngine
{
    public const string ProductTitle = "mock";

    public string Name => "mock";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string>();

    public IReadOnlyList<string> RequiredClassifications { get; } = [];

    public async Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(progress);
        progress.Report(0.5);
        await Task.Delay(options.Value.MockDuration, cancellationToken);
        progress.Report(1);
        return pipeline.DecodeRgb(input.ShopperImage).Value ?? throw new InvalidOperationException("The stored shopper image could not be decoded.");
    }
}
