using Microsoft.Extensions.Logging;

namespace TryOn.Grains.Persistence;

/// <summary>
/// Copies a grain's committed state to its read-model tables. The copy is idempotent, so when it fails the grain
/// keeps going (its own state is the truth) and a timer retries every 5 s until it succeeds. The timer keeps the
/// activation alive while a copy is pending, so idle collection cannot drop it; what a silo's death drops, the next
/// activation publishes again (grains publish on activation; a generation only when its row is behind). Not an outbox: nothing pending
/// is stored, because the grain's own state already says what the row must become.
/// </summary>
internal sealed partial class ReadModelPublisher(IGrainBase grain, Func<Task> publish, ILogger logger)
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
            _retry ??= grain.RegisterGrainTimer(_ => PublishAsync(), new GrainTimerCreationOptions(RetryInterval, RetryInterval) { Interleave = false, KeepAlive = true });
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Publishing {GrainId} to the read model failed; it will be retried")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string grainId);
}
