using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TryOn.Hosting.Cluster;

/// <summary>
/// How the processes of a cluster prove who they are to each other: mutual TLS on the silo-to-silo and gateway
/// connections, each side showing a certificate the other must trust. Bound from <c>Orleans:Tls:*</c>.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>
    /// On by default. <c>false</c> runs Orleans' protocol in the clear and unauthenticated, for a network only the
    /// cluster's own processes can reach; the start then logs a warning.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// This process's certificate with its private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) or a PEM file
    /// (the key in the same file or in <see cref="CertificateKey"/>). <c>TryOn.Silo cluster-certificate</c> makes one.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/>, when it is in a file of its own.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="Certificate"/> (or of an encrypted PEM key).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The certificate (PEM or DER) a peer's certificate must chain to: the certificate authority that issued the
    /// cluster's certificates. By default the process's own certificate, for a cluster that shares one certificate.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    /// <summary>Loads the certificates, adding a message that names the setting for each that is wrong.</summary>
    public ClusterCertificates? Load(List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (!Enabled)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(Certificate))
        {
            failures.Add("Orleans:Tls:Certificate (this process's certificate, PKCS#12 or PEM with its key) is required in cluster mode: "
                + "create one with `TryOn.Silo cluster-certificate <file>` and give every silo and API process the same file, "
                + "or set Orleans:Tls:Enabled=false on a network only the cluster can reach.");
            return null;
        }

        var local = Read("Orleans:Tls:Certificate", Certificate, LoadLocal, failures);
        if (local is not null && !local.HasPrivateKey)
        {
            failures.Add($"Orleans:Tls:Certificate: {Certificate} holds no private key (give the PEM key in Orleans:Tls:CertificateKey).");
            local.Dispose();
            return null;
        }

        var trusted = string.IsNullOrWhiteSpace(TrustedCertificate)
            ? local
            : Read("Orleans:Tls:TrustedCertificate", TrustedCertificate, X509CertificateLoader.LoadCertificateFromFile, failures);
        if (local is null || trusted is null)
        {
            local?.Dispose();
            return null;
        }

        return new ClusterCertificates(local, trusted);
    }

    private X509Certificate2 LoadLocal(string path) =>
        Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12"
            ? X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet)
            : string.IsNullOrEmpty(CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, CertificateKey)
                : X509Certificate2.CreateFromEncryptedPemFile(path, CertificatePassword, CertificateKey);

    private static X509Certificate2? Read(string setting, string path, Func<string, X509Certificate2> load, List<string> failures)
    {
        if (!File.Exists(path))
        {
            failures.Add($"{setting}: the file {path} does not exist.");
            return null;
        }

        try
        {
            return load(path);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            failures.Add($"{setting}: {path} could not be read as a certificate ({exception.Message}).");
            return null;
        }
    }
}
