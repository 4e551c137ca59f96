using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TryOn.Hosting.Cluster;

/// <summary>
/// This process's certificate and the one every peer's certificate must chain to. Trust comes from that anchor
/// alone, never from the machine's certificate store, and host names are not checked: silos reach each other by
/// address, and holding a certificate the cluster issued is what admits a process.
/// </summary>
public sealed class ClusterCertificates(X509Certificate2 local, X509Certificate2 trusted)
{
    /// <summary>The subject of certificates made by <see cref="CreateSelfSigned"/>.</summary>
    private const string Subject = "CN=tryon-cluster";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public X509Certificate2 Local { get; } = local;

    public X509Certificate2 Trusted { get; } = trusted;

    /// <summary>Whether a peer's certificate chains to the trusted certificate and is within its validity.</summary>
    public bool Trusts(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(remote);
    }

    /// <summary>
    /// A new self-signed certificate for a whole cluster (every silo and API process holds the same file): an
    /// ECDSA P-256 key, valid for both ends of a TLS connection.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.Add(lifetime));
    }

    /// <summary>Writes a certificate with its private key as an unencrypted PKCS#12 file readable by its owner only.</summary>
    public static void WritePkcs12(X509Certificate2 certificate, string path)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(certificate.Export(X509ContentType.Pkcs12));
    }
}
