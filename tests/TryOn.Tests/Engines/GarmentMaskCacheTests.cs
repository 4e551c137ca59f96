using TryOn.Grains.Engines;

namespace TryOn.Tests.Engines;

/// <summary>The cut-out's mask cache: bounded, least recently used out first, one computation per key at a time.</summary>
public sealed class GarmentMaskCacheTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A computation that signals when it starts and finishes only when released.</summary>
    private sealed class HeldComputation
    {
        private readonly ManualResetEventSlim _release = new();
        private int _runs;

        public ManualResetEventSlim Started { get; } = new();

        public int Runs => Volatile.Read(ref _runs);

        public float[] Compute(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            Started.Set();
            // It stops only where a model run would: after the step under way.
            Assert.True(_release.Wait(Bound, CancellationToken.None), "the test to release the computation");
            cancellationToken.ThrowIfCancellationRequested();
            return [Runs];
        }

        public void Release() => _release.Set();
    }

    [Fact]
    public async Task A_second_caller_waits_for_the_computation_under_way_instead_of_running_its_own()
    {
        var cache = new GarmentMaskCache(capacity: 4);
        var held = new HeldComputation();
        var first = Task.Run(() => cache.GetOrComputeAsync("tee", held.Compute, CancellationToken.None));
        Assert.True(held.Started.Wait(Bound), "the first computation to start");

        var second = cache.GetOrComputeAsync("tee", _ => throw new InvalidOperationException("computed twice"), CancellationToken.None);
        Assert.False(second.IsCompleted);
        held.Release();

        Assert.Same(await first.WaitAsync(Bound), await second.WaitAsync(Bound));
        Assert.Equal(1, held.Runs);
        Assert.Same(await first, await cache.GetOrComputeAsync("tee", _ => [-1], CancellationToken.None));
    }

    [Fact]
    public async Task When_the_computing_caller_is_cancelled_a_waiting_caller_computes_the_mask_itself()
    {
        var cache = new GarmentMaskCache(capacity: 4);
        var held = new HeldComputation();
        using var drain = new CancellationTokenSource();
        var first = Task.Run(() => cache.GetOrComputeAsync("tee", held.Compute, drain.Token));
        Assert.True(held.Started.Wait(Bound), "the first computation to start");
        var second = cache.GetOrComputeAsync("tee", _ => [42], CancellationToken.None);

        await drain.CancelAsync();
        held.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Bound));
        Assert.Equal(42f, Assert.Single(await second.WaitAsync(Bound)));
        Assert.Equal(42f, Assert.Single(await cache.GetOrComputeAsync("tee", _ => [-1], CancellationToken.None)));
    }

    [Fact]
    public async Task A_waiting_caller_that_is_cancelled_stops_waiting_and_the_computation_goes_on()
    {
        var cache = new GarmentMaskCache(capacity: 4);
        var held = new HeldComputation();
        var first = Task.Run(() => cache.GetOrComputeAsync("tee", held.Compute, CancellationToken.None));
        Assert.True(held.Started.Wait(Bound), "the first computation to start");
        using var deadline = new CancellationTokenSource();
        var second = cache.GetOrComputeAsync("tee", _ => [-1], deadline.Token);

        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Bound));
        held.Release();

        Assert.Equal(1f, Assert.Single(await first.WaitAsync(Bound)));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_failed_computation_is_shared_with_its_waiters_and_not_cached()
    {
        var cache = new GarmentMaskCache(capacity: 4);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrComputeAsync("bad", _ => throw new InvalidOperationException("undecodable"), CancellationToken.None));

        Assert.Equal(0, cache.Count);
        Assert.Equal(7f, Assert.Single(await cache.GetOrComputeAsync("bad", _ => [7], CancellationToken.None)));
    }

    [Fact]
    public async Task A_full_cache_drops_only_its_least_recently_used_mask()
    {
        var cache = new GarmentMaskCache(capacity: 2);
        var a = await cache.GetOrComputeAsync("a", _ => [1], CancellationToken.None);
        var b = await cache.GetOrComputeAsync("b", _ => [2], CancellationToken.None);
        Assert.Same(a, await cache.GetOrComputeAsync("a", _ => [-1], CancellationToken.None));

        var c = await cache.GetOrComputeAsync("c", _ => [3], CancellationToken.None);

        Assert.Equal(2, cache.Count);
        Assert.Same(a, await cache.GetOrComputeAsync("a", _ => [-1], CancellationToken.None));
        Assert.Same(c, await cache.GetOrComputeAsync("c", _ => [-1], CancellationToken.None));
        Assert.NotSame(b, await cache.GetOrComputeAsync("b", _ => [-2], CancellationToken.None));
    }
}
