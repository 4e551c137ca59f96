using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TryOn.Storage.Postgres;
using TryOn.Storage.Sqlite;

namespace TryOn.Hosting.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no checks). <c>/health/ready</c>: the checks tagged
/// <see cref="ReadyTag"/> pass (storage reachable, models loaded: each host adds its own). Both need no key; they
/// answer <c>{ status, checks }</c> with 200, or 503 when not ready.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Checks with this tag decide readiness; each hosting mode adds its own.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Where both health endpoints live.</summary>
    public const string PathPrefix = "/health";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(PathPrefix + "/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks(PathPrefix + "/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => entry.Value.Status.ToString().ToLowerInvariant()),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}

/// <summary>The storage checks, one per hosting mode, under the name "database".</summary>
public static class DatabaseHealthChecks
{
    public static IHealthChecksBuilder AddEmbeddedDatabaseCheck(this IHealthChecksBuilder checks, params string[] tags) =>
        checks.AddCheck<EmbeddedDatabaseHealthCheck>("database", tags: tags);

    public static IHealthChecksBuilder AddClusterDatabaseCheck(this IHealthChecksBuilder checks, params string[] tags) =>
        checks.AddCheck<ClusterDatabaseHealthCheck>("database", tags: tags);

    /// <summary>The Azure Storage profile's Table storage (membership, grain state, reminders), under the name "tables".</summary>
    public static IHealthChecksBuilder AddTableStorageCheck(this IHealthChecksBuilder checks, string connectionString, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var client = new TableServiceClient(connectionString);
        return checks.Add(new HealthCheckRegistration("tables", _ => new TableStorageHealthCheck(client), failureStatus: null, tags));
    }
}

/// <summary>The Azure Storage profile is ready when Table storage answers a listing of its tables.</summary>
internal sealed class TableStorageHealthCheck(TableServiceClient tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Azure Table storage does not answer.", exception);
        }
    }
}

/// <summary>Embedded mode is ready when the SQLite file answers a query against our schema.</summary>
internal sealed class EmbeddedDatabaseHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.IsReachableAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The SQLite database cannot be read.", exception);
        }
    }
}

/// <summary>Cluster mode is ready when PostgreSQL answers.</summary>
internal sealed class ClusterDatabaseHealthCheck(PostgresDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await database.IsReachableAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The PostgreSQL database does not answer.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The PostgreSQL database cannot be reached.", exception);
        }
    }
}
