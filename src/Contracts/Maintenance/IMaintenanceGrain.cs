namespace TryOn.Contracts.Maintenance;

/// <summary>
/// One periodic sweep, keyed by its name (<c>IPeriodicSweep.Name</c>): it holds the sweep's reminder and runs
/// one pass per tick, never two at once. One activation per cluster, so the sweep runs once per cluster.
/// </summary>
[Alias("tryon.maintenance.IMaintenanceGrain")]
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the sweep's reminder unless it is already registered, and then runs a first pass at once; every silo
    /// calls it at start, so a new cluster, or an embedded start (whose reminders live in memory), sweeps at once.
    /// </summary>
    [Alias("Schedule")]
    Task ScheduleAsync();

    /// <summary>Whether the cluster holds the sweep's reminder.</summary>
    [Alias("IsScheduled")]
    Task<bool> IsScheduledAsync();
}
