using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace TryOn.Hosting.Cluster;

/// <summary>
/// Orleans' connections in cluster mode: silo to silo and API process to silo gateway, both ends authenticated by
/// certificate (mutual TLS). A process without a certificate the cluster trusts cannot open a connection, so it
/// cannot call a grain. Settings: <see cref="ClusterTlsSettings"/>.
/// </summary>
public static partial class ClusterTransport
{
    public static ISiloBuilder UseClusterTransport(this ISiloBuilder silo, ClusterCertificates? certificates)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return certificates is null
            ? silo.ConfigureServices(WarnInsecure)
            : silo.UseTls(options => Configure(options, certificates));
    }

    public static IClientBuilder UseClusterTransport(this IClientBuilder client, ClusterCertificates? certificates)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (certificates is null)
        {
            WarnInsecure(client.Services);
            return client;
        }

        return client.UseTls(options => Configure(options, certificates));
    }

    private static void Configure(TlsOptions options, ClusterCertificates certificates)
    {
        options.LocalCertificate = certificates.Local;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => certificates.Trusts(remote);
    }

    private static void WarnInsecure(IServiceCollection services) => services.AddHostedService<InsecureTransportWarning>();

    private sealed partial class InsecureTransportWarning(ILogger<InsecureTransportWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogInsecure(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Orleans:Tls:Enabled is false: silo and gateway connections are neither encrypted nor authenticated. Any process that reaches the silo or gateway port can call every grain; keep those ports on a network only the cluster reaches (docs/deployment.md, Network and ports).")]
        private static partial void LogInsecure(ILogger logger);
    }
}
