using System.Diagnostics;

namespace TryOn.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="within"/> has passed, and fails naming
    /// what it waited for. A bounded wait for behaviour the contract bounds in time, never a sleep.
    /// </summary>
    public static Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what) =>
        HoldsAsync(condition, within, () => what);

    /// <summary>As above, with the failure's words made when it fails (to name what was seen instead).</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > within)
            {
                Assert.Fail($"Waited {within.TotalMilliseconds:0} ms for {what()}; it did not happen.");
            }

            await Task.Delay(20);
        }
    }
}
