using Microsoft.Extensions.Logging;

namespace TryOn.Grains.Persistence;

/// <summary>
/// Copies a grain's committed state to its read-model tables. The copy is idempotent, so when it fails the grain
/// keeps going (its own state is the truth) and a timer retries until it succeeds; grains also publish on
/// activation, in case a previous activation stopped in between.
/// </summary>
internal sealed partial class ReadModelOutbox(IGrainBase grain, Func<Task> publish, ILogger logger)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private IGrainTimer? _retry;

    public async Task PublishAsync()
    {
        try
        {
            await publish();
            _retry?.Dispose();
            _retry = null;
        }
        catch (Exception exception)
        {
            LogPublishFailed(logger, exception, grain.GrainContext.GrainId.ToString());
            _retry ??= grain.RegisterGrainTimer(_ => PublishAsync(), new GrainTimerCreationOptions(RetryInterval, RetryInterval) { Interleave = false });
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Publishing {GrainId} to the read model failed; it will be retried")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string grainId);
}
