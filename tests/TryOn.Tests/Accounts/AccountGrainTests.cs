using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Contracts.Paging;
using TryOn.Grains.Accounts;
using TryOn.Grains.ApiKeys;
using TryOn.Grains.Hosting;
using TryOn.Grains.Persistence;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Accounts;

public sealed class AccountClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IAccountReadModel ReadModel => Cluster.Silos[0].ServiceProvider.GetRequiredService<IAccountReadModel>();

    public IGrainStorage Storage => Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);

    /// <summary>Holds the calls to a grain a test closes it for; grains never closed are not touched.</summary>
    public GrainCallGate Gate { get; } = new();

    /// <summary>The domain clock: it only moves when a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTryOnGrains().UseEmbeddedStorage(_directory.Path);
            silo.Services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, Clock);
            silo.AddIncomingGrainCallFilter(Gate);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>AccountGrain on a real in-process silo with the real SQLite storage and read model.</summary>
public sealed class AccountGrainTests(AccountClusterFixture fixture) : IClassFixture<AccountClusterFixture>
{
    private IAccountGrain NewAccount() => fixture.Cluster.Client.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Create_is_idempotent()
    {
        var account = NewAccount();
        var first = await account.CreateAsync(new NewAccount("Shop", 5, null, null));
        var second = await account.CreateAsync(new NewAccount("Other", 50, null, null));
        Assert.Equal(first, second);
        Assert.Equal(5, (await account.GetCreditsAsync())!.Available);
    }

    [Fact]
    public async Task Stored_bytes_follow_what_the_blob_store_reports_never_below_zero_and_are_checked_against_the_quota()
    {
        var account = NewAccount();
        await account.CreateAsync(new NewAccount("Shop", 0, new AccountLimitsPatch(null, null, null, StorageBytes: 1_000), null));

        await account.RecordStoredBytesAsync(600);
        Assert.Equal(new StorageCheck(true, 600, 1_000, 400), await account.CheckStorageAsync(400));
        Assert.Equal(new StorageCheck(false, 600, 1_000, 401), await account.CheckStorageAsync(401));

        // Blobs stored before the count existed are deleted without ever having been counted.
        await account.RecordStoredBytesAsync(-5_000);
        Assert.Equal(0, (await account.GetAsync())!.StoredBytes);
        Assert.Null(await NewAccount().CheckStorageAsync(1));
    }

    [Fact]
    public void Limits_stored_before_the_storage_quota_get_the_default_one()
    {
        Assert.Equal(AccountLimits.DefaultStorageBytes, new AccountLimits(1, 2, 3, 0, 0).WithStorageDefault().StorageBytes);
        Assert.Equal(7, new AccountLimits(1, 2, 3, 0, 7).WithStorageDefault().StorageBytes);
    }

    [Fact]
    public async Task Operations_on_a_missing_account_report_it()
    {
        var account = NewAccount();
        Assert.Null(await account.GetAsync());
        Assert.Null(await account.GetCreditsAsync());
        Assert.Null(await account.UpdateAsync(new AccountChanges("x", null, null, null)));
        Assert.Null(await account.IssueApiKeyAsync("k"));
        Assert.Equal(CreditAdjustmentStatus.AccountNotFound, (await account.AdjustCreditsAsync(1, "x")).Status);
        Assert.Equal(ApiKeyRevocation.AccountNotFound, await account.RevokeApiKeyAsync("key_x"));
        Assert.Equal(ApiKeyCheck.AccountNotFound, await account.CheckApiKeyAsync("key_x", new byte[32]));
    }

    [Fact]
    public async Task Concurrent_deductions_never_take_the_balance_below_zero_and_the_ledger_agrees()
    {
        var account = NewAccount();
        await account.CreateAsync(new NewAccount("Shop", 20, null, null));

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => account.AdjustCreditsAsync(-1, "spend")));

        Assert.Equal(20, results.Count(result => result.Status == CreditAdjustmentStatus.Applied));
        Assert.Equal(40, results.Count(result => result.Status == CreditAdjustmentStatus.InsufficientCredits));
        Assert.Equal(0, (await account.GetCreditsAsync())!.Available);

        var ledger = await fixture.ReadModel.ListLedgerAsync(account.GetPrimaryKeyString(), new PageRequest(null, 200));
        Assert.Equal(21, ledger.Items.Count);
        Assert.Equal(0, ledger.Items.Sum(entry => entry.Amount));
        Assert.Equal(Enumerable.Range(1, 21).Reverse().Select(i => (long)i), ledger.Items.Select(entry => entry.Sequence));
        Assert.All(ledger.Items.Zip(ledger.Items.Skip(1)), pair => Assert.Equal(pair.Second.BalanceAfter + pair.First.Amount, pair.First.BalanceAfter));
    }

    [Fact]
    public async Task Issued_key_is_indexed_by_its_hash_and_checked_in_constant_time_against_it()
    {
        var account = NewAccount();
        await account.CreateAsync(new NewAccount("Shop", 0, null, null));
        var issued = (await account.IssueApiKeyAsync("server"))!;
        var hash = ApiKeySecret.Hash(issued.Secret);

        var owner = await fixture.Cluster.Client.GetGrain<IApiKeyGrain>(ApiKeySecret.IndexGrainKey(hash)).ResolveAsync();
        Assert.Equal(new ApiKeyOwner(account.GetPrimaryKeyString(), issued.Key.KeyId), owner);
        Assert.Equal(ApiKeyCheck.Valid, await account.CheckApiKeyAsync(issued.Key.KeyId, hash));

        var wrong = (byte[])hash.Clone();
        wrong[^1] ^= 1;
        Assert.Equal(ApiKeyCheck.UnknownKey, await account.CheckApiKeyAsync(issued.Key.KeyId, wrong));
        Assert.NotNull((await account.ListApiKeysAsync())!.Single().LastUsedAt);
    }

    [Fact]
    public async Task Index_refuses_to_point_a_hash_at_a_second_owner()
    {
        var index = fixture.Cluster.Client.GetGrain<IApiKeyGrain>("apikey_" + Guid.NewGuid().ToString("N"));
        Assert.True(await index.RegisterAsync(new ApiKeyOwner("acct_a", "key_a")));
        Assert.True(await index.RegisterAsync(new ApiKeyOwner("acct_a", "key_a")));
        Assert.False(await index.RegisterAsync(new ApiKeyOwner("acct_b", "key_b")));
        Assert.Equal(new ApiKeyOwner("acct_a", "key_a"), await index.ResolveAsync());
    }

    [Fact]
    public async Task Revoked_key_and_inactive_account_fail_the_check()
    {
        var account = NewAccount();
        await account.CreateAsync(new NewAccount("Shop", 0, null, null));
        var first = (await account.IssueApiKeyAsync("one"))!;
        var second = (await account.IssueApiKeyAsync("two"))!;

        Assert.Equal(ApiKeyRevocation.Revoked, await account.RevokeApiKeyAsync(first.Key.KeyId));
        Assert.Equal(ApiKeyRevocation.AlreadyRevoked, await account.RevokeApiKeyAsync(first.Key.KeyId));
        Assert.Equal(ApiKeyRevocation.KeyNotFound, await account.RevokeApiKeyAsync("key_unknown"));
        Assert.Equal(ApiKeyCheck.Revoked, await account.CheckApiKeyAsync(first.Key.KeyId, ApiKeySecret.Hash(first.Secret)));

        await account.UpdateAsync(new AccountChanges(null, null, null, Active: false));
        Assert.Equal(ApiKeyCheck.AccountInactive, await account.CheckApiKeyAsync(second.Key.KeyId, ApiKeySecret.Hash(second.Secret)));
    }

    [Fact]
    public async Task Every_change_is_published_to_the_account_list()
    {
        var account = NewAccount();
        await account.CreateAsync(new NewAccount("Before", 1, null, null));
        await account.UpdateAsync(new AccountChanges("After", new AccountLimitsPatch(9, null, null), null, null));

        var page = await fixture.ReadModel.ListAccountsAsync(new PageRequest(null, 200));
        var listed = Assert.Single(page.Items, item => item.AccountId == account.GetPrimaryKeyString());
        Assert.Equal("After", listed.Name);
        Assert.Equal(9, listed.Limits.WritesPerMinute);
        Assert.Equal(await account.GetAsync(), listed);
    }
}
