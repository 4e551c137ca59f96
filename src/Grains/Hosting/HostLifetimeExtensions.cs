using Microsoft.Extensions.Hosting;

namespace TryOn.Grains.Hosting;

internal static class HostLifetimeExtensions
{
    /// <summary>Completes once the host (and the silo in it, with its storage) has started.</summary>
    public static async Task WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }
    }
}
