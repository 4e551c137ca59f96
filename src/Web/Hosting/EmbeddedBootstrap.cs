using System.Text;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Paging;
using TryOn.Hosting.Files;
using TryOn.Storage.Blobs;
using TryOn.Web.Authentication;

namespace TryOn.Web.Hosting;

/// <summary>
/// The embedded development bootstrap (docs/operations.md). On the first start with an empty store it creates a development
/// account with 100 credits and writes its API key to <c>dev-api-key.txt</c>; without a configured admin token or file
/// signing key it generates them into <c>admin-token.txt</c> and <c>file-signing-key.txt</c> (and reuses them
/// afterwards). Only the file locations are logged.
/// Runs before the server accepts requests. Registered by <see cref="EmbeddedBootstrapExtensions.AddEmbeddedBootstrap"/>.
/// </summary>
internal sealed partial class EmbeddedBootstrap(
    string dataDirectory,
    IOptions<AdminOptions> adminOptions,
    AdminCredential adminCredential,
    IOptions<FileLinkOptions> fileLinkOptions,
    FileLinks fileLinks,
    IGrainFactory grains,
    IAccountReadModel accounts,
    ILogger<EmbeddedBootstrap> logger) : IHostedService
{
    public const string DevelopmentKeyFile = "dev-api-key.txt";
    public const string AdminTokenFile = "admin-token.txt";
    public const string FileSigningKeyFile = "file-signing-key.txt";
    public const int DevelopmentCredits = 100;

    private string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataDirectory(logger, DataDirectory);
        if (string.IsNullOrEmpty(adminOptions.Value.Token))
        {
            adminCredential.Use(await ReadOrCreateSecretAsync(AdminTokenFile, AdminCredential.Generate, cancellationToken));
        }

        if (string.IsNullOrEmpty(fileLinkOptions.Value.SigningKey))
        {
            fileLinks.UseKey(await ReadOrCreateSecretAsync(FileSigningKeyFile, GenerateSigningKey, cancellationToken));
        }

        await EnsureDevelopmentAccountAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A secret kept in a file of the data directory: read when it exists, generated once otherwise.</summary>
    private async Task<string> ReadOrCreateSecretAsync(string fileName, Func<string> generate, CancellationToken cancellationToken)
    {
        var path = Path.Combine(DataDirectory, fileName);
        if (File.Exists(path))
        {
            LogSecretFile(logger, path, "read from");
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }

        var secret = generate();
        await WriteSecretFileAsync(path, secret, cancellationToken);
        LogSecretFile(logger, path, "generated into");
        return secret;
    }

    private static string GenerateSigningKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    private async Task EnsureDevelopmentAccountAsync(CancellationToken cancellationToken)
    {
        var account = grains.GetGrain<IAccountGrain>(ResourceIds.DevelopmentAccountId);
        if (await account.GetAsync(cancellationToken) is null)
        {
            var existing = await accounts.ListAccountsAsync(new PageRequest(null, 1), cancellationToken);
            if (existing.Items.Count > 0)
            {
                // Not an empty store: accounts were made through the admin API.
                return;
            }

            await account.CreateAsync(new NewAccount("Development", DevelopmentCredits, null, null), cancellationToken);
        }

        var keyPath = Path.Combine(DataDirectory, DevelopmentKeyFile);
        var keys = await account.ListApiKeysAsync(cancellationToken);
        if (File.Exists(keyPath) || keys is not { Count: 0 })
        {
            // Issued on an earlier start; a removed file is not re-created, the admin API issues new keys.
            return;
        }

        var issued = await account.IssueApiKeyAsync("development", cancellationToken)
            ?? throw new InvalidOperationException("The development account vanished during the bootstrap.");
        await WriteSecretFileAsync(keyPath, issued.Secret, cancellationToken);
        LogDevelopmentKeyFile(logger, keyPath, ResourceIds.DevelopmentAccountId, DevelopmentCredits);
    }

    /// <summary>Written to a temporary file readable by the owner only, then renamed, so a reader never sees half a secret.</summary>
    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        File.Delete(temporary);
        await using (var file = new FileStream(temporary, PrivateFiles.CreateOptions(FileMode.CreateNew, FileAccess.Write)))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(secret + "\n"), cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(1, LogLevel.Information, "Embedded mode: data directory {DataDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(2, LogLevel.Information, "Secret {Action} {Path}")]
    private static partial void LogSecretFile(ILogger logger, string path, string action);

    [LoggerMessage(3, LogLevel.Information, "Development API key for account {AccountId} ({Credits} credits) written to {Path}")]
    private static partial void LogDevelopmentKeyFile(ILogger logger, string path, string accountId, int credits);
}

public static class EmbeddedBootstrapExtensions
{
    /// <summary>
    /// The embedded development bootstrap over <paramref name="dataDirectory"/>: generated secrets, the development
    /// account and its key (docs/operations.md). Only the embedded host (src/Api) adds it; a cluster gateway never does.
    /// </summary>
    public static IServiceCollection AddEmbeddedBootstrap(this IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        return services.AddHostedService(provider => ActivatorUtilities.CreateInstance<EmbeddedBootstrap>(provider, dataDirectory));
    }
}
