using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Paging;
using TryOn.Grains.Accounts;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Errors;

public sealed class InternalErrorTests
{
    [Fact]
    public async Task Unexpected_exception_returns_INTERNAL_ERROR_with_the_request_id_and_logs_it()
    {
        using var directory = new TempDirectory();
        var readModel = new UnreachableReadModel();
        await using var app = new TryOnApp(directory.Path, replaceServices: services => services.AddSingleton<IAccountReadModel>(readModel));
        using var admin = app.CreateAdminClient();
        readModel.Down = true;

        var response = await admin.GetAsync("/admin/v1/accounts");

        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        var requestId = envelope.GetProperty("requestId").GetString()!;
        Assert.Contains(requestId, envelope.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("database is on fire", envelope.ToString(), StringComparison.Ordinal);
        Assert.Contains(app.Logs, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_grain_that_cannot_be_reached_is_SERVICE_UNAVAILABLE_with_Retry_After_not_INTERNAL_ERROR()
    {
        using var directory = new TempDirectory();
        var readModel = new UnreachableReadModel { Failure = new SiloUnavailableException("The silo of the grain is dead.") };
        await using var app = new TryOnApp(directory.Path, replaceServices: services => services.AddSingleton<IAccountReadModel>(readModel));
        using var admin = app.CreateAdminClient();
        readModel.Down = true;

        var response = await admin.GetAsync("/admin/v1/accounts");

        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal(5, envelope.GetProperty("details").GetProperty("retryAfterSeconds").GetInt32());
        var requestId = envelope.GetProperty("requestId").GetString()!;
        Assert.DoesNotContain(app.Logs, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
        Assert.Contains(app.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
    }

    /// <summary>A read model whose database goes away once the service has started.</summary>
    private sealed class UnreachableReadModel : IAccountReadModel
    {
        public bool Down { get; set; }

        public Exception Failure { get; init; } = new InvalidOperationException("database is on fire");

        public Task PublishAsync(AccountSnapshot account, IReadOnlyList<LedgerEntry> newLedgerEntries, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;

        public Task<Page<AccountSnapshot>> ListAccountsAsync(PageRequest page, CancellationToken cancellationToken = default) =>
            Down ? throw Failure : Task.FromResult(new Page<AccountSnapshot>([], null));

        public Task<IReadOnlyList<string>> ListAccountsWithReservationsAsync(int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<Page<LedgerEntry>> ListLedgerAsync(string accountId, PageRequest page, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("database is on fire");
    }
}
