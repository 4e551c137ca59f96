using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster: <c>initdb</c> into a temporary folder, listening on 127.0.0.1 and a free port with
/// its socket in that folder, trust authentication, durability off (fast, and nothing survives it anyway). The
/// binaries come from <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (installed by <c>./test.sh</c>); the machine's
/// own cluster is never touched. initdb refuses to run as root, so as root the server runs as <c>postgres</c>.
/// Stopped with <c>pg_ctl stop</c> (and by its process id if that fails) on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";

    private readonly TempDirectory _directory;
    private readonly string _bin;
    private readonly string _data;

    private PostgresServer(TempDirectory directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        _data = Path.Combine(directory.Path, "data");
        Port = port;
    }

    public int Port { get; }

    /// <summary>The <c>postgres</c> maintenance database, as the superuser.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        var directory = new TempDirectory();
        var server = new PostgresServer(directory, bin, FreePort());
        try
        {
            if (Environment.UserName == "root")
            {
                // The server's own files must belong to the user it runs as; the folder's parents are world-traversable.
                await RunAsync("chown", ["-R", ServiceUser, directory.Path]);
            }

            await server.RunToolAsync("initdb", ["-D", server._data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]);
            var options = string.Join(' ', [
                "-p", server.Port.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                "-k", directory.Path,
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200"]);
            await server.RunToolAsync("pg_ctl", ["-D", server._data, "-l", Path.Combine(directory.Path, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "tryon_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections would otherwise keep retrying a server that is gone.
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["-D", _data, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                KillByPid();
            }
        }

        _directory.Dispose();
    }

    private void KillByPid()
    {
        var pidFile = Path.Combine(_data, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Runs a PostgreSQL tool, as the <c>postgres</c> user when this process is root.</summary>
    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", ServiceUser, "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>The newest installed server's binaries, or <c>TRYON_PG_BIN</c>.</summary>
    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("TRYON_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(directory => (Directory: directory, Version: decimal.TryParse(Path.GetFileName(directory), NumberStyles.Number, CultureInfo.InvariantCulture, out var version) ? version : -1))
                .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Directory, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): run ./test.sh, which installs it.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
