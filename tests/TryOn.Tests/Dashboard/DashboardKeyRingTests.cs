using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Storage.Postgres;
using TryOn.Storage.ReadModels;
using TryOn.Tests.Persistence;
using TryOn.Web.Dashboard;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The dashboard's Data Protection keys in the cluster database (docs/dashboard.md), wired as a cluster gateway wires
/// them, on a real PostgreSQL server: what one gateway protects (a session cookie, a form's token) another reads.
/// </summary>
public sealed class DashboardKeyRingTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task What_one_gateway_protects_another_gateway_unprotects_with_the_key_from_the_database()
    {
        var database = await NewDatabaseAsync();
        await using var first = Gateway(database);
        await using var second = Gateway(database);

        var protectedByFirst = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a session");

        Assert.Equal("a session", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedByFirst));
        await using var stored = new PostgresDatabase(database);
        Assert.Equal("key", Assert.Single(new PostgresKeyRepository(stored).GetAllElements()).Name.LocalName);
    }

    [Fact]
    public async Task A_key_is_stored_once_under_its_name_and_read_back_whole()
    {
        var connectionString = await NewDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);
        var repository = new PostgresKeyRepository(database);

        repository.StoreElement(new XElement("key", new XAttribute("id", "one"), "first"), "key-one");
        repository.StoreElement(new XElement("key", new XAttribute("id", "one"), "second"), "key-one");
        repository.StoreElement(new XElement("key", new XAttribute("id", "two"), "other"), "key-two");

        Assert.Equal(["first", "other"], new PostgresKeyRepository(database).GetAllElements().Select(element => element.Value).Order(StringComparer.Ordinal));
    }

    private async Task<string> NewDatabaseAsync()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync();
        await PostgresDatabase.MigrateAsync(connectionString, CancellationToken.None);
        return connectionString;
    }

    /// <summary>The services of one cluster gateway that the key ring needs, as <c>AddClusterGateway</c> and the dashboard add them.</summary>
    private static ServiceProvider Gateway(string connectionString)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPostgresReadModels(connectionString);
        services.StoreDashboardKeysInPostgres();
        services.AddDataProtection().SetApplicationName(DashboardExtensions.DataProtectionApplication);
        return services.BuildServiceProvider();
    }
}
