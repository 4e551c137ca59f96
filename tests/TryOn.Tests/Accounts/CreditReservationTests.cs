using TryOn.Contracts.Accounts;
using TryOn.Contracts.Paging;
using TryOn.Grains.Accounts;

namespace TryOn.Tests.Accounts;

/// <summary>Reserve on accept, charge on completion, release on failure: exact under concurrency, settled once.</summary>
public sealed class CreditReservationTests(AccountClusterFixture fixture) : IClassFixture<AccountClusterFixture>
{
    private async Task<IAccountGrain> NewAccountAsync(long credits, int maxInFlight = 1000)
    {
        var account = fixture.Cluster.Client.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));
        await account.CreateAsync(new NewAccount("Shop", credits, new AccountLimitsPatch(null, null, maxInFlight), null));
        return account;
    }

    [Fact]
    public async Task Ten_times_more_requests_than_credits_reserve_exactly_the_credits()
    {
        var account = await NewAccountAsync(credits: 25);

        var results = await Task.WhenAll(Enumerable.Range(0, 250).Select(i => account.ReserveCreditAsync($"gen_{i}")));

        Assert.Equal(25, results.Count(result => result.Status == CreditReservationStatus.Reserved));
        Assert.Equal(225, results.Count(result => result.Status == CreditReservationStatus.InsufficientCredits));
        var credits = (await account.GetCreditsAsync())!;
        Assert.Equal((0, 25), (credits.Available, credits.Reserved));

        var ledger = await fixture.ReadModel.ListLedgerAsync(account.GetPrimaryKeyString(), new PageRequest(null, 200));
        Assert.Equal(25, ledger.Items.Count(entry => entry.Kind == LedgerEntryKind.Reservation));
        Assert.Equal(0, ledger.Items[0].BalanceAfter);
        Assert.Equal(25, ledger.Items[0].ReservedAfter);
    }

    [Fact]
    public async Task Charge_and_release_settle_once_and_release_gives_the_credit_back()
    {
        var account = await NewAccountAsync(credits: 2);
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_ok")).Status);
        Assert.Equal(CreditReservationStatus.AlreadyReserved, (await account.ReserveCreditAsync("gen_ok")).Status);
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_failed")).Status);

        var charges = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => account.ChargeCreditAsync("gen_ok")));
        Assert.Equal(1, charges.Count(settlement => settlement == CreditSettlement.Charged));
        Assert.Equal(CreditSettlement.NothingOpen, await account.ReleaseCreditAsync("gen_ok"));

        Assert.Equal(CreditSettlement.Released, await account.ReleaseCreditAsync("gen_failed"));
        Assert.Equal(CreditSettlement.NothingOpen, await account.ReleaseCreditAsync("gen_failed"));
        Assert.Equal(CreditSettlement.NothingOpen, await account.ChargeCreditAsync("gen_never"));

        var credits = (await account.GetCreditsAsync())!;
        Assert.Equal((1, 0), (credits.Available, credits.Reserved));
        var kinds = (await fixture.ReadModel.ListLedgerAsync(account.GetPrimaryKeyString(), new PageRequest(null, 50))).Items.Select(entry => entry.Kind);
        Assert.Equal([LedgerEntryKind.Release, LedgerEntryKind.Charge, LedgerEntryKind.Reservation, LedgerEntryKind.Reservation, LedgerEntryKind.Grant], kinds);
    }

    [Fact]
    public async Task Generations_in_flight_are_capped_by_the_account_limit()
    {
        var account = await NewAccountAsync(credits: 10, maxInFlight: 3);
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => account.ReserveCreditAsync($"gen_{i}")));
        Assert.Equal(3, results.Count(result => result.Status == CreditReservationStatus.Reserved));
        var refused = results.First(result => result.Status == CreditReservationStatus.QuotaExceeded);
        Assert.Equal((3, 3), (refused.InFlight, refused.MaxInFlight));

        var firstReserved = Enumerable.Range(0, 6).First(i => results[i].Status == CreditReservationStatus.Reserved);
        Assert.Equal(CreditSettlement.Charged, await account.ChargeCreditAsync($"gen_{firstReserved}"));
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_next")).Status);
    }

    [Fact]
    public async Task Inactive_or_missing_accounts_reserve_nothing()
    {
        var account = await NewAccountAsync(credits: 5);
        await account.UpdateAsync(new AccountChanges(null, null, null, Active: false));
        Assert.Equal(CreditReservationStatus.AccountInactive, (await account.ReserveCreditAsync("gen_1")).Status);

        var missing = fixture.Cluster.Client.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));
        Assert.Equal(CreditReservationStatus.AccountNotFound, (await missing.ReserveCreditAsync("gen_1")).Status);
        Assert.Equal(CreditSettlement.NothingOpen, await missing.ChargeCreditAsync("gen_1"));
    }
}
