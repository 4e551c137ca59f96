using Microsoft.Extensions.Logging;
using TryOn.Contracts.Maintenance;

namespace TryOn.Grains.Maintenance;

/// <summary>
/// Runs one <see cref="IPeriodicSweep"/> once a minute on an Orleans reminder (in the cluster's reminder table in
/// cluster mode, in memory in embedded mode). A tick starts a pass and returns at once, so a long pass never outlives
/// the tick's call timeout; a tick that finds the last pass still running skips. Deactivation (a silo stopping)
/// cancels the pass; the reminder wakes the grain on another silo at the next tick, and the pass runs again there.
/// </summary>
internal sealed partial class MaintenanceGrain(IEnumerable<IPeriodicSweep> sweeps, ILogger<MaintenanceGrain> logger)
    : Grain, IMaintenanceGrain, IRemindable
{
    /// <summary>Orleans' shortest reminder period, and how often every sweep runs.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stopping = new();
    private IPeriodicSweep _sweep = null!;
    private Task _pass = Task.CompletedTask;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sweep = sweeps.SingleOrDefault(sweep => sweep.Name == Name)
            ?? throw new InvalidOperationException($"No periodic sweep is named '{Name}'.");
        return Task.CompletedTask;
    }

    public async Task ScheduleAsync()
    {
        if (await this.GetReminder(Name) is null)
        {
            // A reminder's first tick comes a period after its registration whatever the due time, so the first pass
            // of a new schedule starts here.
            await this.RegisterOrUpdateReminder(Name, Period, Period);
            StartPass();
        }
    }

    public async Task<bool> IsScheduledAsync() => await this.GetReminder(Name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartPass();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _stopping.Dispose();
    }

    private void StartPass()
    {
        if (_pass.IsCompleted)
        {
            _pass = RunPassAsync();
        }
        else
        {
            LogStillRunning(logger, Name);
        }
    }

    private async Task RunPassAsync()
    {
        try
        {
            await _sweep.RunAsync(_stopping.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            LogPassFailed(logger, exception, Name);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The {Sweep} sweep failed; it runs again at the next tick")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string sweep);

    [LoggerMessage(2, LogLevel.Information, "The {Sweep} sweep is still running; this tick is skipped")]
    private static partial void LogStillRunning(ILogger logger, string sweep);
}
