using TryOn.Contracts.Maintenance;
namespace TryOn.Grains.Maintenance;

/// <summary>
/// When a silo becomes active, makes sure every registered sweep has its reminder (a no-op when another silo already
/// did it). Nothing runs here: the sweeps run in their maintenance grains, once per cluster.
/// </summary>
internal sealed class MaintenanceScheduler(IGrainFactory grains, IEnumerable<IPeriodicSweep> sweeps) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MaintenanceScheduler), ServiceLifecycleStage.Active, _ =>
            Task.WhenAll(sweeps.Select(sweep => grains.GetGrain<IMaintenanceGrain>(sweep.Name).ScheduleAsync())));
}
