using Microsoft.Extensions.Options;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>A wrong setting stops the start with a message that names it, before anything is served.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Orleans:Mode", "Cluster", "ConnectionStrings:TryOn")]
    [InlineData("Admin:Token", "short", "Admin:Token")]
    [InlineData("Authentication:ApiKeys:CacheDuration", "00:00:05", "Authentication:ApiKeys:CacheDuration")]
    [InlineData("Authentication:ApiKeys:CacheCapacity", "0", "Authentication:ApiKeys:CacheCapacity")]
    [InlineData("Files:SigningKey", "too-short", "Files:SigningKey")]
    [InlineData("Images:MaxSide", "10", "Images:MinSide")]
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
    public void Cluster_mode_needs_the_shared_secrets_and_never_creates_development_ones()
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
        Assert.Empty(Directory.GetFiles(directory.Path));
    }
}
