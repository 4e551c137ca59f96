using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Core.Internal;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Grains.Accounts;
using TryOn.Grains.ApiKeys;
using TryOn.Tests.Accounts;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Authentication;

namespace TryOn.Tests.Authentication;

/// <summary>Authentication through the key's index grain alone: its verdict, kept by the account, on a real silo.</summary>
public sealed class ApiKeyVerdictTests(AccountClusterFixture fixture) : IClassFixture<AccountClusterFixture>
{
    /// <summary>Far above what a lookup takes; only reached when a lookup waits for the gated account.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>A resolver without a cache, so every call asks the grains.</summary>
    private readonly ApiKeyResolver _resolver = new(
        fixture.Cluster.Client,
        TimeProvider.System,
        new ServiceCollection()
            .Configure<ApiKeyAuthenticationOptions>(ApiKeyDefaults.AuthenticationScheme, options => options.CacheDuration = TimeSpan.Zero)
            .BuildServiceProvider()
            .GetRequiredService<IOptionsMonitor<ApiKeyAuthenticationOptions>>(),
        NullLogger<ApiKeyResolver>.Instance);

    private async Task<(IAccountGrain Account, IssuedApiKey Key)> NewKeyAsync()
    {
        var account = fixture.Cluster.Client.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));
        await account.CreateAsync(new NewAccount("Shop", 5, null, null));
        return (account, (await account.IssueApiKeyAsync("server"))!);
    }

    private async Task<(IAccountGrain Account, IssuedApiKey Key, IssuedApiKey Revoked)> NewKeyAndRevokedKeyAsync()
    {
        var (account, key) = await NewKeyAsync();
        var revoked = (await account.IssueApiKeyAsync("revoked"))!;
        Assert.Equal(ApiKeyRevocation.Revoked, await account.RevokeApiKeyAsync(revoked.Key.KeyId));
        return (account, key, revoked);
    }

    private IApiKeyGrain IndexOf(IssuedApiKey key) =>
        fixture.Cluster.Client.GetGrain<IApiKeyGrain>(ApiKeySecret.IndexGrainKey(ApiKeySecret.Hash(key.Secret)));

    private async Task<ApiKeyIdentity?> ResolveAsync(IssuedApiKey key) => await _resolver.ResolveAsync(key.Secret);

    [Fact]
    public async Task A_key_is_verified_while_its_account_is_busy_and_its_use_still_reaches_the_account()
    {
        var (account, key) = await NewKeyAsync();
        var accountId = account.GetGrainId();
        fixture.Gate.Close(accountId);
        Task<CreditReservation> reservation;
        ApiKeyIdentity? identity;
        try
        {
            reservation = account.ReserveCreditAsync("gen_held");
            await fixture.Gate.Entered.Task.WaitAsync(Bound);

            // The account is inside a call that does not end until the gate opens: a lookup that asked it would wait.
            identity = await _resolver.ResolveAsync(key.Secret).AsTask().WaitAsync(Bound);
        }
        finally
        {
            fixture.Gate.Open(accountId);
        }

        Assert.Equal(new ApiKeyIdentity(account.GetPrimaryKeyString(), key.Key.KeyId), identity);
        Assert.Equal(CreditReservationStatus.Reserved, (await reservation).Status);
        await Eventually.HoldsAsync(
            async () => (await account.ListApiKeysAsync())!.Single().LastUsedAt is not null,
            Bound,
            "the use reported by the index to be recorded by the account");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_by_its_index_once_the_revocation_is_answered()
    {
        var (account, key) = await NewKeyAsync();
        var other = (await account.IssueApiKeyAsync("other"))!;
        Assert.Equal(new ApiKeyVerdict(new ApiKeyOwner(account.GetPrimaryKeyString(), key.Key.KeyId), true), await IndexOf(key).VerifyAsync());

        Assert.Equal(ApiKeyRevocation.Revoked, await account.RevokeApiKeyAsync(key.Key.KeyId));

        Assert.False((await IndexOf(key).VerifyAsync())!.Valid);
        Assert.Null(await ResolveAsync(key));
        Assert.NotNull(await ResolveAsync(other));
    }

    [Fact]
    public async Task A_deactivated_accounts_keys_are_refused_by_their_index_and_reactivation_restores_them()
    {
        var (account, key, revoked) = await NewKeyAndRevokedKeyAsync();

        await account.UpdateAsync(new AccountChanges(null, null, null, Active: false));
        Assert.False((await IndexOf(key).VerifyAsync())!.Valid);
        Assert.Null(await ResolveAsync(key));

        await account.UpdateAsync(new AccountChanges(null, null, null, Active: true));
        Assert.NotNull(await ResolveAsync(key));
        Assert.Null(await ResolveAsync(revoked));
    }

    [Fact]
    public async Task An_index_entry_from_before_verdicts_is_answered_by_the_account_which_then_tells_the_index()
    {
        var (account, key, revoked) = await NewKeyAndRevokedKeyAsync();
        await ToStateBeforeVerdictsAsync(IndexOf(key));
        await ToStateBeforeVerdictsAsync(IndexOf(revoked));

        Assert.Equal(new ApiKeyIdentity(account.GetPrimaryKeyString(), key.Key.KeyId), await ResolveAsync(key));
        Assert.Null(await ResolveAsync(revoked));

        Assert.True((await IndexOf(key).VerifyAsync())!.Valid);
        Assert.False((await IndexOf(revoked).VerifyAsync())!.Valid);
    }

    [Fact]
    public async Task An_index_entry_whose_account_never_recorded_the_key_stays_refused()
    {
        var index = fixture.Cluster.Client.GetGrain<IApiKeyGrain>("apikey_" + Guid.NewGuid().ToString("N"));
        var owner = new ApiKeyOwner("acct_" + Guid.NewGuid().ToString("N"), "key_orphan");
        Assert.True(await index.RegisterAsync(owner));
        Assert.Equal(new ApiKeyVerdict(owner, false), await index.VerifyAsync());

        // Only the registered owner sets the standing.
        await index.SetStandingAsync(owner with { KeyId = "key_other" }, new ApiKeyStanding(true, 5));
        Assert.False((await index.VerifyAsync())!.Valid);
    }

    /// <summary>Rewrites the index's stored state as it was written before standings existed, and reloads it.</summary>
    private async Task ToStateBeforeVerdictsAsync(IApiKeyGrain index)
    {
        var stored = new GrainState<ApiKeyIndexState>();
        await fixture.Storage.ReadStateAsync("apikey", index.GetGrainId(), stored);
        stored.State = new ApiKeyIndexState { Owner = Assert.IsType<ApiKeyIndexState>(stored.State).Owner };
        await fixture.Storage.WriteStateAsync("apikey", index.GetGrainId(), stored);

        await index.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.HoldsAsync(
            async () => await index.VerifyAsync() is { Valid: null },
            Bound,
            "the index to be activated again from its old state");
    }
}
