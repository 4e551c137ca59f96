namespace TryOn.Grains.Maintenance;

/// <summary>
/// Periodic work the cluster needs done once, whatever the number of silos (recovery, retention). Each is run by its
/// own <see cref="TryOn.Contracts.Maintenance.IMaintenanceGrain"/>, woken by an Orleans reminder; a pass must be harmless to repeat, because a
/// pass cut off by a silo's death is simply run again.
/// </summary>
internal interface IPeriodicSweep
{
    /// <summary>The sweep's name: the key of its maintenance grain and the name of its reminder.</summary>
    string Name { get; }

    /// <summary>One pass; logs what it did.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
