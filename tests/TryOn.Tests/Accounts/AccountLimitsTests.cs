using Microsoft.Extensions.Logging.Abstractions;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.RateLimits;
using TryOn.Grains.Accounts;
using TryOn.Grains.RateLimits;
using TryOn.Web.RateLimiting;

namespace TryOn.Tests.Accounts;

/// <summary>
/// The monthly cap and the shared request budget on a real silo, with the domain clock moved by hand. Two
/// <see cref="AccountRateLimiter"/> instances stand for two API processes: each holds only its own leases, exactly
/// as a separate process would, and both draw from the one rate-limit grain of the account.
/// </summary>
public sealed class AccountLimitsTests(AccountClusterFixture fixture) : IClassFixture<AccountClusterFixture>
{
    private async Task<IAccountGrain> NewAccountAsync(long credits, AccountLimitsPatch limits)
    {
        var account = fixture.Cluster.Client.GetGrain<IAccountGrain>("acct_" + Guid.NewGuid().ToString("N"));
        await account.CreateAsync(new NewAccount("Shop", credits, limits, null));
        return account;
    }

    [Fact]
    public async Task The_monthly_cap_counts_accepted_generations_not_failed_ones_and_resets_with_the_month()
    {
        var account = await NewAccountAsync(credits: 10, new AccountLimitsPatch(null, null, 100, MonthlyGenerations: 2));

        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_1")).Status);
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_2")).Status);
        var refused = await account.ReserveCreditAsync("gen_3");
        Assert.Equal(CreditReservationStatus.MonthlyCapReached, refused.Status);
        Assert.Equal((2, 2), (refused.UsedThisMonth, refused.MonthlyCap));
        Assert.Equal(UsageMonth.Next(UsageMonth.Of(fixture.Clock.GetUtcNow())), refused.MonthEndsAt);
        Assert.Equal(8, refused.CreditBalance);

        // A charged generation keeps counting; a released one gives its place back.
        await account.ChargeCreditAsync("gen_1");
        await account.ReleaseCreditAsync("gen_2");
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_4")).Status);
        Assert.Equal(CreditReservationStatus.MonthlyCapReached, (await account.ReserveCreditAsync("gen_5")).Status);

        fixture.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_6")).Status);

        // Zero removes the cap.
        await account.UpdateAsync(new AccountChanges(null, new AccountLimitsPatch(null, null, null, MonthlyGenerations: 0), null, null));
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_7")).Status);
        Assert.Equal(CreditReservationStatus.Reserved, (await account.ReserveCreditAsync("gen_8")).Status);
    }

    [Fact]
    public async Task Two_API_processes_share_one_budget_per_account()
    {
        // 6000 a minute: each process leases 10 tokens at a time.
        var account = await NewAccountAsync(credits: 0, new AccountLimitsPatch(WritesPerMinute: 6000, null, null));
        var accountId = account.GetPrimaryKeyString();
        var processes = new[]
        {
            new AccountRateLimiter(fixture.Cluster.Client, fixture.Clock, NullLogger<AccountRateLimiter>.Instance),
            new AccountRateLimiter(fixture.Cluster.Client, fixture.Clock, NullLogger<AccountRateLimiter>.Instance),
        };

        // The clock stands still, so the bucket holds exactly its burst (6000) and nothing refills.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 9000).Select(i => processes[i % 2].AcquireAsync(accountId, RequestClass.Write).AsTask()));
        var allowed = decisions.Count(decision => decision.IsAllowed);

        // Never more than the budget; less only by the tokens still leased to a process (at most 9 each).
        Assert.InRange(allowed, 6000 - 18, 6000);
        var refusal = decisions.First(decision => !decision.IsAllowed);
        Assert.Equal(6000, refusal.PerMinute);
        Assert.Equal(1, refusal.RetryAfterSeconds);

        // Ten seconds refill a sixth of the minute; the leases of both processes have expired meanwhile.
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        var later = await Task.WhenAll(Enumerable.Range(0, 1500).Select(i => processes[i % 2].AcquireAsync(accountId, RequestClass.Write).AsTask()));
        Assert.InRange(later.Count(decision => decision.IsAllowed), 1000 - 18, 1000);

        // Reads have their own bucket.
        Assert.True((await processes[0].AcquireAsync(accountId, RequestClass.Read)).IsAllowed);
    }

    [Fact]
    public async Task Limits_changed_on_the_account_reach_its_bucket()
    {
        var account = await NewAccountAsync(credits: 0, new AccountLimitsPatch(WritesPerMinute: 2, null, null));
        var buckets = fixture.Cluster.Client.GetGrain<IRateLimitGrain>(account.GetPrimaryKeyString());
        Assert.Equal(2, (await buckets.TakeAsync(RequestClass.Write, 5)).Granted);
        Assert.Equal(0, (await buckets.TakeAsync(RequestClass.Write, 1)).Granted);

        await account.UpdateAsync(new AccountChanges(null, new AccountLimitsPatch(WritesPerMinute: 600, null, null), null, null));

        // The change travels one way. The clock stands still meanwhile, so these tries find no token.
        await Infrastructure.Eventually.HoldsAsync(
            async () => (await buckets.TakeAsync(RequestClass.Write, 1)).PerMinute == 600,
            TimeSpan.FromSeconds(5),
            "the new limit to reach the bucket");

        // 600 a minute refill ten tokens a second.
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, (await buckets.TakeAsync(RequestClass.Write, 100)).Granted);
    }
}
