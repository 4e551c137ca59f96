using System.Net;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Cluster;

/// <summary>A cluster with <c>OrleansDashboard:Enabled</c> on every process: silos collect, gateways serve.</summary>
public sealed class DashboardClusterFixture : ClusterFixture
{
    protected override IReadOnlyDictionary<string, string> SharedSettings { get; } = new Dictionary<string, string>
    {
        ["OrleansDashboard__Enabled"] = "true",
    };
}

/// <summary>In cluster mode each gateway serves the Orleans Dashboard behind the admin token, with every silo on it.</summary>
public sealed class ClusterDashboardTests(DashboardClusterFixture cluster) : IClassFixture<DashboardClusterFixture>
{
    [Fact]
    public async Task A_gateway_serves_the_dashboard_of_both_silos_to_the_admin_token_only()
    {
        using var merchant = cluster.Client(cluster.Apis[0], apiKey: "gk_not_an_operator");
        await (await merchant.GetAsync(new Uri("/admin/orleans/", UriKind.Relative))).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var admin = cluster.Client(cluster.Apis[1], admin: true);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin/orleans/", UriKind.Relative))).StatusCode);
        var silos = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                var counters = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/orleans/DashboardCounters", UriKind.Relative))).RootElement;
                silos = counters.GetProperty("hosts").EnumerateArray().Count(host => host.GetProperty("status").GetString() == "Active");
                return silos == 2;
            },
            TimeSpan.FromSeconds(30),
            "the dashboard to list both silos as active");
    }
}
