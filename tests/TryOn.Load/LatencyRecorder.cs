using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TryOn.Load;

/// <summary>Latencies and status codes of every request of a run, and the summary printed at its end.</summary>
internal sealed class LatencyRecorder
{
    private readonly ConcurrentBag<double> _milliseconds = [];
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Record(TimeSpan elapsed, string outcome)
    {
        _milliseconds.Add(elapsed.TotalMilliseconds);
        _outcomes.AddOrUpdate(outcome, 1, static (_, count) => count + 1);
    }

    public string Summarize(string scenario)
    {
        var elapsed = _clock.Elapsed.TotalSeconds;
        var sorted = _milliseconds.Order().ToArray();
        string At(double quantile) => sorted.Length == 0
            ? "-"
            : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)].ToString("F2", CultureInfo.InvariantCulture);
        var outcomes = string.Join(", ", _outcomes.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key}: {pair.Value}"));
        return string.Create(CultureInfo.InvariantCulture, $"""
            scenario {scenario}: {sorted.Length} requests in {elapsed:F1} s = {sorted.Length / elapsed:F0} requests/s
            latency ms: p50 {At(0.50)}  p90 {At(0.90)}  p99 {At(0.99)}  max {At(1.0)}
            outcomes: {outcomes}
            """);
    }
}
