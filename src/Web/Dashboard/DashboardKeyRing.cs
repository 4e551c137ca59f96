using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using TryOn.Storage.Postgres;

namespace TryOn.Web.Dashboard;

/// <summary>
/// Where the Data Protection key ring lives, which protects the dashboard's session cookies and antiforgery tokens. In
/// embedded mode a folder of the data directory, so sessions survive a restart; in cluster mode a table of the
/// cluster's PostgreSQL database (<c>data_protection_keys</c>, schema 0004), so every gateway reads the cookies and
/// forms of the others. The keys are stored as Data Protection writes them, unencrypted: whoever can read that folder
/// or table can forge sessions, as whoever can read grain storage can already read the accounts (docs/dashboard.md).
/// </summary>
public static class DashboardKeyRing
{
    public const string FolderName = "dashboard-keys";

    public static IServiceCollection StoreDashboardKeysInDataDirectory(this IServiceCollection services, string dataDirectory)
    {
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, FolderName)));
        return services;
    }

    /// <summary>
    /// Keys in the cluster database, through the process's <see cref="PostgresDatabase"/> and its connection pool (a
    /// gateway registers it with <c>AddPostgresReadModels</c>).
    /// </summary>
    public static IServiceCollection StoreDashboardKeysInPostgres(this IServiceCollection services)
    {
        services.AddDataProtection();
        services.AddSingleton<PostgresKeyRepository>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<PostgresKeyRepository>((options, repository) => options.XmlRepository = repository);
        return services;
    }
}

/// <summary>
/// Data Protection's key repository on the cluster database. Its interface is synchronous; Data Protection calls it
/// rarely (at the first protected cookie, when a key is due, about once a day), so the calls use Npgsql's own
/// synchronous API rather than blocking on tasks.
/// </summary>
internal sealed class PostgresKeyRepository(PostgresDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.OpenConnection();
        using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = database.OpenConnection();
        using var command = new NpgsqlCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING", connection);
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
