using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Grains.Hosting;
using TryOn.Grains.Maintenance;
using TryOn.Tests.Infrastructure;
using static TryOn.Tests.Privacy.ShopperCalls;
using TryOn.Contracts;
using TryOn.Contracts.Maintenance;

namespace TryOn.Tests.Maintenance;

/// <summary>
/// The periodic sweeps in embedded mode: scheduled on reminders when the service starts, and run at once, so what fell
/// due while the service was stopped goes at the start, not a minute later (the cluster side is in ClusterStorageTests).
/// </summary>
public sealed class MaintenanceTests : IDisposable
{
    private const string Account = "acct_dev";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => _directory.Dispose();

    private TryOnApp Start() => new(
        _directory.Path,
        new Dictionary<string, string?> { ["Engines:MockDuration"] = "00:00:00.050" },
        services => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock));

    [Fact]
    public async Task A_start_schedules_every_sweep_and_runs_it_at_once()
    {
        await using (var first = Start())
        {
            using var merchant = first.CreateMerchantClient(first.DevelopmentApiKeyAfterStart());
            await UploadAsync(merchant, "before-stop", keepForDays: 1);
            Assert.Equal(2, ShopperFilesOf(_directory.Path, Account).Count); // the photo and its person mask
        }

        // The upload's retention ends while the service is stopped.
        _clock.Advance(TimeSpan.FromDays(2));
        await using var second = Start();
        using var client = second.CreateMerchantClient(second.DevelopmentApiKeyAfterStart());
        var grains = second.Services.GetRequiredService<IGrainFactory>();
        foreach (var sweep in second.Services.GetServices<IPeriodicSweep>())
        {
            Assert.True(await grains.GetGrain<IMaintenanceGrain>(sweep.Name).IsScheduledAsync(), sweep.Name);
        }

        // No one runs the retention sweep by hand here: scheduling it ran its first pass.
        await Eventually.HoldsAsync(
            () => Task.FromResult(ShopperFilesOf(_directory.Path, Account).Count == 0),
            TimeSpan.FromSeconds(30),
            "the start's retention pass to delete the expired upload");
    }
}
