using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.RateLimits;
using TryOn.Grains.Accounts;
using TryOn.Grains.RateLimits;
using TryOn.Web.RateLimiting;

namespace TryOn.Benchmarks;

/// <summary>
/// What the per-account limits cost a request, inside the embedded service:
/// <list type="bullet">
/// <item><see cref="RateLimiterLeasedToken"/>: the hot path, a token from this process's lease (one grain call per
/// batch of a tenth of a second of the steady rate, amortised over the batch).</item>
/// <item><see cref="RateLimitGrainTake"/>: the cost of going to the shared bucket for every request (a lease miss).</item>
/// <item><see cref="ReserveAndReleaseCredit"/>: a credit reservation and its release, two persisted writes of the
/// account grain and their ledger rows, as accepting and failing a generation do.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class AccountLimitsBenchmarks
{
    private EmbeddedService? _service;
    private AccountRateLimiter? _limiter;
    private IRateLimitGrain? _buckets;
    private IAccountGrain? _account;
    private long _generation;

    [GlobalSetup]
    public void Setup()
    {
        _service = new EmbeddedService();
        var services = _service.Services;
        _limiter = services.GetRequiredService<AccountRateLimiter>();
        var grains = services.GetRequiredService<IGrainFactory>();
        _buckets = grains.GetGrain<IRateLimitGrain>(_service.AccountId);
        _account = grains.GetGrain<IAccountGrain>(_service.AccountId);
        _account.AdjustCreditsAsync(1_000_000, "benchmark").GetAwaiter().GetResult();
        RateLimiterLeasedToken().AsTask().GetAwaiter().GetResult();
        RateLimitGrainTake().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _service?.Dispose();

    [Benchmark]
    public async ValueTask<bool> RateLimiterLeasedToken() => (await _limiter!.AcquireAsync(_service!.AccountId, RequestClass.Read)).IsAllowed;

    [Benchmark]
    public Task<TokenGrant> RateLimitGrainTake() => _buckets!.TakeAsync(RequestClass.Read, 1);

    [Benchmark]
    public async Task<CreditSettlement> ReserveAndReleaseCredit()
    {
        var generationId = "gen_bench" + Interlocked.Increment(ref _generation);
        await _account!.ReserveCreditAsync(generationId);
        return await _account.ReleaseCreditAsync(generationId);
    }
}
