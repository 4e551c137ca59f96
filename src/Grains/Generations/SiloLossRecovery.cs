using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Generations;

/// <summary>
/// Watches the cluster's membership; when a silo is declared dead (or has left after a stop), one surviving silo (the
/// active one with the lowest address, so the pass runs once) asks every unfinished generation to recover and reconciles
/// every open reservation (<see cref="GenerationRecoverySweeper.RecoverAfterSiloLossAsync"/>): the dead silo's queued
/// and running work is queued again on the live silos, and a credit held by an admission that died with it is given
/// back, within seconds of the cluster noticing, whether or not anyone polls. A pass that fails (a call that still
/// went to the dead silo while the cluster was taking it out of its directory) is tried again a few seconds later, and
/// every death gets a second pass once the calls sent before it have all been answered or have failed.
/// </summary>
internal sealed partial class SiloLossRecovery(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    GenerationRecoverySweeper recovery,
    IHostApplicationLifetime lifetime,
    ILogger<SiloLossRecovery> logger) : BackgroundService
{
    /// <summary>
    /// When the second pass runs, after the declaration: past Orleans' response timeout (30 s), so an admission that
    /// was still waiting on the dead silo during the first pass has ended by then, and a credit it reserved and could
    /// not use is reconciled too.
    /// </summary>
    private static readonly TimeSpan SecondPassAfter = TimeSpan.FromSeconds(35);

    /// <summary>How often a failed pass is tried, and how long apart.</summary>
    private const int Attempts = 4;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);
        var secondPasses = new List<Task>();
        var previous = membership.CurrentSnapshot;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var died = snapshot.CreateUpdate(previous).Changes
                    .Where(change => change.Status == SiloStatus.Dead && !change.SiloAddress.Equals(silo.SiloAddress))
                    .Select(change => change.SiloAddress)
                    .ToList();
                previous = snapshot;
                if (died.Count == 0 || !IsFirstActive(snapshot))
                {
                    continue;
                }

                var silos = string.Join(", ", died);
                await RecoverAsync(silos, stoppingToken);
                secondPasses.RemoveAll(pass => pass.IsCompleted);
                secondPasses.Add(SecondPassAsync(silos, stoppingToken));
            }
        }
        finally
        {
            await Task.WhenAll(secondPasses).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task SecondPassAsync(string silos, CancellationToken stoppingToken)
    {
        await Task.Delay(SecondPassAfter, stoppingToken);
        await RecoverAsync(silos, stoppingToken);
    }

    /// <summary>One pass, tried up to <see cref="Attempts"/> times; a pass that fails every time is left to the periodic sweep and to polls.</summary>
    private async Task RecoverAsync(string silos, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (recovered, released) = await recovery.RecoverAfterSiloLossAsync(stoppingToken);
                LogRecovered(logger, silos, recovered, released);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRecoveryFailed(logger, exception, silos, attempt, Attempts);
                if (attempt == Attempts)
                {
                    return;
                }
            }

            await Task.Delay(RetryAfter, stoppingToken);
        }
    }

    private bool IsFirstActive(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress)
            .Order()
            .FirstOrDefault() is { } first
        && first.Equals(silo.SiloAddress);

    [LoggerMessage(1, LogLevel.Information, "Silo {Silos} was declared dead; asked {Count} unfinished generations to recover and released {Released} credits of admissions that died with it")]
    private static partial void LogRecovered(ILogger logger, string silos, int count, int released);

    [LoggerMessage(2, LogLevel.Warning, "Silo {Silos} was declared dead, and recovering its unfinished generations failed (attempt {Attempt} of {Attempts}); after the last, the periodic pass and polls reach them")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, string silos, int attempt, int attempts);
}
