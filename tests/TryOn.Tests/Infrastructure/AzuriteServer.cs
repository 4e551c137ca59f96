using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// One of Azurite's services, blob (<see cref="StartAsync"/>) or table (<see cref="StartTablesAsync"/>) (npm
/// <c>azurite</c>, installed by <c>./test.sh</c> under <c>artifacts/tools</c>), as a child process on 127.0.0.1 and a
/// free port, in memory. Stopped by its process id on dispose.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's documented development account: public, and accepted by Azurite only.</summary>
    private const string DevelopmentAccount = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteServer(Process process, string endpoint, int port)
    {
        _process = process;
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccount};AccountKey={DevelopmentKey};{endpoint}Endpoint=http://127.0.0.1:{port}/{DevelopmentAccount};");
    }

    public string ConnectionString { get; }

    /// <summary>The blob service.</summary>
    public static Task<AzuriteServer> StartAsync() => StartServiceAsync("blob", "Blob");

    /// <summary>The table service.</summary>
    public static Task<AzuriteServer> StartTablesAsync() => StartServiceAsync("table", "Table");

    private static async Task<AzuriteServer> StartServiceAsync(string service, string endpoint)
    {
        var script = FindScript(service);
        var port = FreePort();
        var start = new ProcessStartInfo("node", [script, $"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString(CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--disableTelemetry"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, endpoint, port);
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(process.HasExited, "Azurite exited while starting.");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "Azurite to accept connections");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The entry point of one of Azurite's services, from <c>TRYON_AZURITE</c> or the repository's <c>artifacts/tools</c>.</summary>
    private static string FindScript(string service)
    {
        var root = Environment.GetEnvironmentVariable("TRYON_AZURITE");
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); root is null && directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "artifacts", "tools", "node_modules", "azurite");
            if (Directory.Exists(candidate))
            {
                root = candidate;
            }
        }

        var script = root is null ? null : Path.Combine(root, "dist", "src", service, "main.js");
        return script is not null && File.Exists(script)
            ? script
            : throw new InvalidOperationException("Azurite is not installed: run ./test.sh, which installs it under artifacts/tools.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
