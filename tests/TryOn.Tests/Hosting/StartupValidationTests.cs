using Microsoft.Extensions.Options;
using TryOn.Hosting.Cluster;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>A wrong setting stops the start with a message that names it, before anything is served.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Orleans:Mode", "Cluster", "ConnectionStrings:TryOn")]
    [InlineData("Admin:Token", "short", "Admin:Token")]
    [InlineData("Admin:FailedTokensPerMinute", "0", "Admin:FailedTokensPerMinute")]
    [InlineData("Authentication:ApiKeys:CacheDuration", "00:00:05", "Authentication:ApiKeys:CacheDuration")]
    [InlineData("Authentication:ApiKeys:CacheCapacity", "0", "Authentication:ApiKeys:CacheCapacity")]
    [InlineData("Authentication:ApiKeys:StaleWhenUnreachable", "01:00:00", "Authentication:ApiKeys:StaleWhenUnreachable")]
    [InlineData("Files:SigningKey", "too-short", "Files:SigningKey")]
    [InlineData("Files:PublicBaseUrl", "ftp://tryon.example.test", "Files:PublicBaseUrl")]
    [InlineData("Files:PublicBaseUrl", "tryon.example.test", "Files:PublicBaseUrl")]
    [InlineData("Images:MaxSide", "10", "Images:MinSide")]
    [InlineData("Uploads:MaxConcurrentPerAccount", "0", "Uploads:MaxConcurrentPerAccount")]
    [InlineData("Uploads:PlaceWait", "00:00:00", "Uploads:PlaceWait")]
    [InlineData("Uploads:BodyTimeout", "00:00:00.5", "Uploads:BodyTimeout")]
    [InlineData("Billing:Stripe:SecretKey", "sk_test_x", "Billing:Stripe:WebhookSecret")]
    [InlineData("Billing:Stripe:WebhookSecret", "whsec_x", "Billing:Stripe:SecretKey")]
    public void Invalid_setting_stops_the_start_naming_it(string key, string value, string named)
    {
        using var directory = new TempDirectory();
        using var app = new TryOnApp(directory.Path, new Dictionary<string, string?> { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => app.Start());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory.Path, "dev-api-key.txt")));
    }

    [Fact]
    public void Cluster_mode_needs_the_shared_secrets_and_the_public_base_url_and_never_creates_development_ones()
    {
        using var directory = new TempDirectory();
        using var app = new TryOnApp(directory.Path, new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "Cluster",
            ["ConnectionStrings:TryOn"] = "Host=127.0.0.1;Port=1;Database=tryon;Username=tryon",
            ["ConnectionStrings:Blobs"] = "UseDevelopmentStorage=true",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => app.Start());

        Assert.Contains("Admin:Token", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Files:SigningKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Files:PublicBaseUrl", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Theory]
    [InlineData("Tables", null, "Orleans:Storage must be PostgreSql (the default) or AzureStorage, not 'Tables'.")]
    [InlineData("AzureStorage", null, "ConnectionStrings:Tables (the Azure Table storage connection string) is required with Orleans:Storage=AzureStorage.")]
    [InlineData("azurestorage", "", "ConnectionStrings:Tables (the Azure Table storage connection string) is required")]
    public void Cluster_mode_names_a_wrong_storage_profile(string profile, string? tables, string message)
    {
        using var directory = new TempDirectory();
        using var app = new TryOnApp(directory.Path, new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "Cluster",
            ["Orleans:Storage"] = profile,
            ["ConnectionStrings:TryOn"] = "Host=127.0.0.1;Port=1;Database=tryon;Username=tryon",
            ["ConnectionStrings:Tables"] = tables,
            ["ConnectionStrings:Blobs"] = "UseDevelopmentStorage=true",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => app.Start());

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Orleans:Tls:Certificate (this process's certificate")]
    [InlineData("missing.pfx", "Orleans:Tls:Certificate: the file")]
    [InlineData("not-a-certificate.pem", "could not be read as a certificate")]
    public void Cluster_mode_needs_a_certificate_for_its_Orleans_connections(string? certificate, string message)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "not-a-certificate.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        using var app = new TryOnApp(directory.Path, new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "Cluster",
            ["ConnectionStrings:TryOn"] = "Host=127.0.0.1;Port=1;Database=tryon;Username=tryon",
            ["ConnectionStrings:Blobs"] = "UseDevelopmentStorage=true",
            ["Orleans:Tls:Certificate"] = certificate is null ? null : Path.Combine(directory.Path, certificate),
        });

        var failure = Assert.Throws<OptionsValidationException>(() => app.Start());

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_writes_a_cluster_certificate_its_owner_alone_can_read()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "cluster.pfx");

        Assert.Equal(0, await RunSiloAsync("cluster-certificate", path));
        Assert.Equal(1, await RunSiloAsync("cluster-certificate", path)); // never overwrites a certificate

        var settings = new ClusterTlsSettings { Certificate = path };
        List<string> failures = [];
        var certificates = settings.Load(failures);
        Assert.Empty(failures);
        Assert.NotNull(certificates);
        Assert.True(certificates.Local.HasPrivateKey);
        Assert.True(certificates.Trusts(certificates.Local));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private static async Task<int> RunSiloAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "TryOn.Silo.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(process.StandardOutput.ReadToEndAsync(deadline.Token), process.StandardError.ReadToEndAsync(deadline.Token));
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }
}
