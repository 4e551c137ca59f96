using Microsoft.Extensions.Logging;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Webhooks;

namespace TryOn.Grains.Webhooks;

/// <summary>
/// Embedded mode keeps reminders in memory, so a restart forgets the reminders of pending deliveries. Once the silo is
/// active this wakes every account's endpoint list, which resumes the deliveries it lists as pending (as the generation
/// sweeper re-drives unfinished generations). In the background: the start does not wait for it. Cluster mode keeps
/// its reminders in the database and needs none of this.
/// </summary>
internal sealed partial class PendingDeliveryResumption(
    IGrainFactory grains, IAccountReadModel accounts, ILogger<PendingDeliveryResumption> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PendingDeliveryResumption), ServiceLifecycleStage.Active, cancellationToken =>
        {
            _ = Task.Run(() => ResumeAllAsync(CancellationToken.None), CancellationToken.None);
            return Task.CompletedTask;
        });

    public async Task<int> ResumeAllAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        try
        {
            string? after = null;
            do
            {
                var page = await accounts.ListAccountsAsync(new PageRequest(after, PageRequest.MaxLimit), cancellationToken);
                foreach (var account in page.Items)
                {
                    resumed += await grains.GetGrain<IWebhookEndpointsGrain>(account.AccountId).ResumePendingAsync(cancellationToken);
                }

                after = page.NextAfter;
            }
            while (after is not null);

            if (resumed > 0)
            {
                LogResumed(logger, resumed);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception);
        }

        return resumed;
    }

    [LoggerMessage(1, LogLevel.Information, "Resumed {Count} pending webhook deliveries")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Pending webhook deliveries could not be resumed after the start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
