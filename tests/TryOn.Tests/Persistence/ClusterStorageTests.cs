using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Maintenance;
using TryOn.Contracts.Paging;
using TryOn.Grains.Accounts;
using TryOn.Grains.Hosting;
using TryOn.Grains.Maintenance;
using TryOn.Grains.Persistence;
using TryOn.Hosting.Cluster;
using TryOn.Storage.Blobs;
using TryOn.Storage.ReadModels;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Persistence;

/// <summary>
/// Real silo hosts on loopback TCP, as the standalone silo runs them, on <c>UseClusterStorage</c>; clients find them
/// through the membership table only.
/// </summary>
public static class ClusterHosts
{
    public const string ServiceId = "tryon";

    /// <summary>A silo on <paramref name="connectionString"/>, and with <paramref name="tables"/> its Orleans storage on Azure Table storage.</summary>
    public static async Task<IHost> StartSiloAsync(string connectionString, string clusterId, string blobDirectory, bool migrateAtStartup = true, string? tables = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.AddTryOnGrains().UseClusterStorage(connectionString, migrateAtStartup, tables);
            silo.Services.AddSingleton<IBlobStore>(new FileSystemBlobStore(blobDirectory));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static async Task<IHost> StartClientAsync(string connectionString, string clusterId, string? tables = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            client.UseClusterMembership(new ClusterSettings
            {
                DatabaseConnectionString = connectionString,
                Storage = tables is null ? ClusterSettings.PostgreSql : ClusterSettings.AzureStorage,
                TablesConnectionString = tables,
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Every message in an exception and its inner exceptions: a failed start wraps the cause.</summary>
    public static string Messages(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join(" | ", [aggregate.Message, .. aggregate.InnerExceptions.Select(Messages)]),
        { InnerException: { } inner } => exception.Message + " | " + Messages(inner),
        _ => exception.Message,
    };

    public static async Task<List<(int Status, string Address)>> MembersAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, address || ':' || port FROM orleansmembershiptable WHERE deploymentid = @cluster;", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            members.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return members;
    }

    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Two silos and a client on one fresh database, for the class: the PostgreSQL storage profile.</summary>
public class TwoSiloClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _blobs = new();
    private AzuriteServer? _tables;

    /// <summary>Whether Orleans' membership, grain state and reminders live in Azure Table storage (Azurite) instead.</summary>
    protected virtual bool OnAzureTables => false;

    public PostgresServer Server { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public string ClusterId { get; } = "cluster-" + Guid.NewGuid().ToString("N")[..8];

    public IHost First { get; private set; } = null!;

    public IHost Second { get; private set; } = null!;

    public IHost Client { get; private set; } = null!;

    public IClusterClient ClusterClient => Client.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        ConnectionString = await Server.CreateDatabaseAsync();
        _tables = OnAzureTables ? await AzuriteServer.StartTablesAsync() : null;
        First = await ClusterHosts.StartSiloAsync(ConnectionString, ClusterId, _blobs.Path, tables: _tables?.ConnectionString);
        Second = await ClusterHosts.StartSiloAsync(ConnectionString, ClusterId, _blobs.Path, tables: _tables?.ConnectionString);
        Client = await ClusterHosts.StartClientAsync(ConnectionString, ClusterId, _tables?.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        // What started, in reverse order: a start that failed half-way leaves the rest null.
        foreach (var host in new IHost?[] { Client, Second, First }.OfType<IHost>())
        {
            await ClusterHosts.StopAsync(host);
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (_tables is not null)
        {
            await _tables.DisposeAsync();
        }

        _blobs.Dispose();
    }
}

/// <summary>The Azure Storage profile: Orleans' membership, grain state and reminders on Azurite's table service.</summary>
public sealed class AzureTablesTwoSiloClusterFixture : TwoSiloClusterFixture
{
    protected override bool OnAzureTables => true;
}

/// <summary>Cluster mode's storage on the PostgreSQL profile (a real PostgreSQL server).</summary>
public sealed class ClusterStorageTests(TwoSiloClusterFixture cluster) : ClusterStorageContract(cluster), IClassFixture<TwoSiloClusterFixture>
{
    protected override string Providers => "AdoNet";
}

/// <summary>Cluster mode's storage on the Azure Storage profile (Azurite's table service; the read models in PostgreSQL).</summary>
public sealed class AzureTablesClusterStorageTests(AzureTablesTwoSiloClusterFixture cluster) : ClusterStorageContract(cluster), IClassFixture<AzureTablesTwoSiloClusterFixture>
{
    protected override string Providers => "Azure";
}

/// <summary>
/// What each storage profile must hold, through Orleans' own interfaces (membership table, grain storage, reminder
/// table), so one contract runs on both: membership, grain state, reminders, the read model.
/// </summary>
public abstract class ClusterStorageContract(TwoSiloClusterFixture cluster)
{
    /// <summary>What the names of the profile's Orleans provider types start with.</summary>
    protected abstract string Providers { get; }

    [Fact]
    public void The_profile_s_own_providers_hold_membership_grain_state_and_reminders()
    {
        var services = cluster.First.Services;
        Assert.All(
            new object[] { services.GetRequiredService<IMembershipTable>(), services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains), services.GetRequiredService<IReminderTable>() },
            provider => Assert.StartsWith(Providers, provider.GetType().Name, StringComparison.Ordinal));
    }

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_silos_form_one_cluster_through_the_membership_table_and_a_client_finds_them_there()
    {
        var membership = cluster.First.Services.GetRequiredService<IMembershipTable>();
        await Eventually.HoldsAsync(
            async () => (await membership.ReadAllAsync(CancellationToken.None)).Members.Count(member => member.Item1.Status == SiloStatus.Active) == 2,
            Within,
            "both silos to be active in the membership table");

        // Each silo sees the other: they joined one cluster, not two.
        var hosts = await cluster.ClusterClient.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        var account = cluster.ClusterClient.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));
        await account.CreateAsync(new NewAccount("Shop", 5, null, null));
        Assert.Equal(5, (await account.GetCreditsAsync())!.Available);
    }

    [Fact]
    public async Task An_api_process_reads_what_the_silos_publish_from_the_read_model()
    {
        var accountId = "acct_" + Guid.NewGuid().ToString("N");
        await cluster.ClusterClient.GetGrain<IAccountGrain>(accountId).CreateAsync(new NewAccount("Read model", 3, null, null));

        await using var api = new ServiceCollection().AddPostgresReadModels(cluster.ConnectionString).BuildServiceProvider();
        var accounts = api.GetRequiredService<IAccountReadModel>();

        await Eventually.HoldsAsync(
            async () => (await accounts.ListAccountsAsync(new PageRequest(null, 200))).Items.Any(account => account.AccountId == accountId && account.CreditBalance == 3),
            Within,
            "the new account in the read model");
        Assert.Contains((await accounts.ListLedgerAsync(accountId, new PageRequest(null, 10))).Items, entry => entry.Amount == 3);
    }

    [Fact]
    public async Task Grain_state_writes_are_refused_on_a_stale_version_and_a_clear_keeps_counting()
    {
        var storage = cluster.First.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grainId = GrainId.Create("storage-test", Guid.NewGuid().ToString("N"));
        var first = new GrainState<List<string>>(["one"]);
        await storage.WriteStateAsync("probe", grainId, first);

        // A second writer that never read the state, and one holding an old version, are both refused.
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, new GrainState<List<string>>(["other"])));
        var stale = new GrainState<List<string>>(["stale"]) { ETag = first.ETag };
        first.State = ["two"];
        await storage.WriteStateAsync("probe", grainId, first);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, stale));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("probe", grainId, read);
        Assert.Equal(["two"], read.State);
        Assert.True(read.RecordExists);

        await storage.ClearStateAsync("probe", grainId, read);
        var cleared = new GrainState<List<string>>();
        await storage.ReadStateAsync("probe", grainId, cleared);
        Assert.False(cleared.RecordExists);
        Assert.Equal(read.ETag, cleared.ETag);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grainId, stale));
    }

    [Fact]
    public async Task A_state_larger_than_one_table_property_round_trips()
    {
        // Azure Table storage holds at most 64 KiB in a property; the provider spreads larger states over several.
        var storage = cluster.First.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grainId = GrainId.Create("storage-test", Guid.NewGuid().ToString("N"));
        var entries = Enumerable.Range(0, 3_000).Select(index => $"reservation-{index:00000}-{Guid.NewGuid():N}-{new string('x', 50)}").ToList();
        await storage.WriteStateAsync("probe", grainId, new GrainState<List<string>>(entries));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("probe", grainId, read);
        Assert.Equal(entries, read.State);
    }

    [Fact]
    public async Task Each_periodic_sweep_has_one_reminder_and_one_activation_for_the_whole_cluster()
    {
        // Both silos scheduled every sweep when they started; the cluster holds one reminder per sweep, not one per silo.
        var sweeps = cluster.First.Services.GetServices<IPeriodicSweep>().Select(sweep => sweep.Name).ToList();
        Assert.Equal(["generation-recovery", "retention"], sweeps.Order());
        var reminders = cluster.First.Services.GetRequiredService<IReminderTable>();
        foreach (var sweep in sweeps)
        {
            var maintenance = cluster.ClusterClient.GetGrain<IMaintenanceGrain>(sweep);
            Assert.True(await maintenance.IsScheduledAsync());
            Assert.Equal([sweep], (await reminders.ReadRows(maintenance.GetGrainId())).Reminders.Select(reminder => reminder.ReminderName));
        }

        // The first tick is due at once: each sweep's grain is active on exactly one of the two silos.
        var management = cluster.ClusterClient.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(
            async () => (await management.GetSimpleGrainStatistics()).Where(statistic => statistic.GrainType.Contains(nameof(MaintenanceGrain), StringComparison.Ordinal)).Sum(statistic => statistic.ActivationCount) == sweeps.Count,
            Within,
            "one maintenance grain per sweep to be active");
    }

    [Fact]
    public async Task Reminders_are_stored_read_by_grain_and_by_ring_range_and_removed_by_version()
    {
        var reminders = cluster.First.Services.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("reminder-test", Guid.NewGuid().ToString("N"));
        var startAt = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        var first = await reminders.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "wake", StartAt = startAt, Period = TimeSpan.FromMinutes(5) });
        var etag = await reminders.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "wake", StartAt = startAt, Period = TimeSpan.FromDays(40) });
        Assert.NotEqual(first, etag);

        var row = await reminders.ReadRow(grainId, "wake");
        Assert.NotNull(row);
        Assert.Equal((startAt, TimeSpan.FromDays(40), etag), (row.StartAt, row.Period, row.ETag));
        Assert.Single((await reminders.ReadRows(grainId)).Reminders);

        // The ring range (begin, end], read with a range that holds the grain's hash and with its complement,
        // which wraps past the top of the ring.
        var hash = grainId.GetUniformHashCode();
        Assert.Contains((await reminders.ReadRows(hash - 1, hash)).Reminders, entry => entry.GrainId == grainId);
        Assert.DoesNotContain((await reminders.ReadRows(hash, hash - 1)).Reminders, entry => entry.GrainId == grainId);

        Assert.False(await reminders.RemoveRow(grainId, "wake", first!));
        Assert.True(await reminders.RemoveRow(grainId, "wake", etag!));
        Assert.Null(await reminders.ReadRow(grainId, "wake"));
    }
}

/// <summary>Silos started one after another on one database, and starts that must fail.</summary>
public sealed class ClusterStorageRestartTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private readonly TempDirectory _blobs = new();

    public void Dispose() => _blobs.Dispose();

    [Fact]
    public async Task Grain_state_survives_a_restart_of_every_silo_and_the_dead_silos_row_is_cleaned_up()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync();
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var accountId = "acct_" + Guid.NewGuid().ToString("N");

        var silo = await ClusterHosts.StartSiloAsync(connectionString, clusterId, _blobs.Path);
        var client = await ClusterHosts.StartClientAsync(connectionString, clusterId);
        await client.Services.GetRequiredService<IClusterClient>().GetGrain<IAccountGrain>(accountId).CreateAsync(new NewAccount("Kept", 7, null, null));
        await ClusterHosts.StopAsync(client);
        await ClusterHosts.StopAsync(silo);
        Assert.Equal(1, await ClusterHosts.CountAsync(connectionString, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'account'"));

        // A new silo process (migrating again changes nothing) reads the state from the database.
        var next = await ClusterHosts.StartSiloAsync(connectionString, clusterId, _blobs.Path);
        var nextClient = await ClusterHosts.StartClientAsync(connectionString, clusterId);
        try
        {
            Assert.Equal(7, (await nextClient.Services.GetRequiredService<IClusterClient>().GetGrain<IAccountGrain>(accountId).GetCreditsAsync())!.Available);

            var members = await ClusterHosts.MembersAsync(connectionString, clusterId);
            Assert.Contains(members, member => member.Status == (int)SiloStatus.Dead);
            await next.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
            Assert.Equal([(int)SiloStatus.Active], (await ClusterHosts.MembersAsync(connectionString, clusterId)).Select(member => member.Status));
        }
        finally
        {
            await ClusterHosts.StopAsync(nextClient);
            await ClusterHosts.StopAsync(next);
        }
    }

    [Fact]
    public async Task A_silo_on_a_database_without_the_schema_stops_at_start_naming_the_migrate_step()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ClusterHosts.StartSiloAsync(connectionString, "cluster-x", _blobs.Path, migrateAtStartup: false));

        Assert.Contains("Run the silo's migrate command", ClusterHosts.Messages(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_database_cannot_be_reached_stops_at_start_saying_where_it_looked()
    {
        var closedPort = fixture.Server.Port == 65535 ? 1 : fixture.Server.Port + 1;
        var connectionString = $"Host=127.0.0.1;Port={closedPort};Username=tryon;Password=hunter2;Database=tryon";

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ClusterHosts.StartSiloAsync(connectionString, "cluster-x", _blobs.Path));

        var messages = ClusterHosts.Messages(failure);
        Assert.Contains($"Cannot connect to PostgreSQL at 127.0.0.1:{closedPort}/tryon as tryon", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_connection_string_stops_the_silo_before_it_is_built()
    {
        var failure = await Assert.ThrowsAsync<ArgumentException>(() => ClusterHosts.StartSiloAsync("Host=127.0.0.1;Colour=blue", "cluster-x", _blobs.Path));

        Assert.Contains("The PostgreSQL connection string is not valid", failure.Message, StringComparison.Ordinal);
    }
}
