using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using TryOn.Hosting.Cluster;

namespace TryOn.Tests.Cluster;

/// <summary>
/// Who may talk to a cluster silo's Orleans gateway: only a process holding a certificate the cluster trusts. An
/// Orleans client that connects can call every grain (grant credits, issue keys), so the connection itself is the
/// boundary. Each case is the same client against the same silo; only its certificate differs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTransportTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_client_with_the_cluster_certificate_connects_and_calls_grains()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.CertificatePath, password: null);
        using var client = BuildClient(new ClusterCertificates(certificate, certificate));

        await client.StartAsync(Deadline());
        var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.NotEmpty(hosts);
        await client.StopAsync(Deadline());
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_connect()
    {
        using var client = BuildClient(certificates: null);

        await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync(Deadline()));
    }

    [Fact]
    public async Task A_client_whose_certificate_the_cluster_did_not_issue_cannot_connect()
    {
        // It trusts the silo, but shows a certificate of its own making.
        using var clusterCertificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.CertificatePath, password: null);
        using var stranger = ClusterCertificates.CreateSelfSigned(TimeSpan.FromDays(1));
        using var client = BuildClient(new ClusterCertificates(stranger, clusterCertificate));

        await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync(Deadline()));
    }

    [Fact]
    public void The_silo_trusts_only_certificates_that_chain_to_its_anchor()
    {
        using var anchor = ClusterCertificates.CreateSelfSigned(TimeSpan.FromDays(1));
        using var stranger = ClusterCertificates.CreateSelfSigned(TimeSpan.FromDays(1));
        var certificates = new ClusterCertificates(anchor, anchor);

        Assert.True(certificates.Trusts(anchor));
        Assert.False(certificates.Trusts(stranger));
    }

    private IHost BuildClient(ClusterCertificates? certificates) =>
        new HostBuilder()
            .UseOrleansClient(client => client
                .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, cluster.GatewayPorts[1]))
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = cluster.ClusterId;
                    options.ServiceId = ClusterSettings.ServiceId;
                })
                .UseClusterTransport(certificates))
            .Build();

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
