using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// The service as a real child process (<c>dotnet TryOn.Api.dll</c>) on 127.0.0.1, for tests that must kill it hard.
/// Always stopped by its process id on dispose.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>The embedded service on its own data directory and free Orleans ports.</summary>
    public static Task<ServiceProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["DataDirectory"] = dataDirectory,
            ["Orleans__SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return StartHostAsync("TryOn.Api.dll", environment);
    }

    /// <summary>A host of this build (<c>TryOn.Api.dll</c>, <c>TryOn.Gateway.dll</c> or <c>TryOn.Silo.dll</c>) with these environment settings.</summary>
    public static async Task<ServiceProcess> StartHostAsync(string assembly, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The service process did not start.");
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => service.Remember(line.Data);
        process.ErrorDataReceived += (_, line) => service.Remember(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        await Eventually.HoldsAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    Assert.Fail($"{assembly} exited with code {process.ExitCode}:\n{service.RecentOutput}");
                }

                try
                {
                    return (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the service process to be ready");
        return service;
    }

    /// <summary>The process's last lines of output, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <summary>Whether the process has ended (killed by a test, or crashed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
