using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TryOn.Hosting.Health;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>The Azure Storage profile's readiness: Table storage must answer.</summary>
public sealed class TableStorageHealthCheckTests
{
    [Fact]
    public async Task Table_storage_that_answers_is_healthy_and_one_that_does_not_is_unhealthy()
    {
        await using var azurite = await AzuriteServer.StartTablesAsync();
        var closedPort = ServiceProcess.FreePort();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;";

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(azurite.ConnectionString));
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(unreachable));
    }

    private static async Task<HealthStatus> CheckAsync(string connectionString)
    {
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().AddTableStorageCheck(connectionString, HealthEndpoints.ReadyTag).Services.BuildServiceProvider();
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["tables"].Status;
    }
}
