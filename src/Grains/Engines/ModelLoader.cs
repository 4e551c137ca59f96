using Microsoft.Extensions.Hosting;

namespace TryOn.Grains.Engines;

/// <summary>Loads, verifies and warms the models while the host starts, so nothing is served before they are ready.</summary>
internal sealed class ModelLoader(OnnxModels models) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        models.Load();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
