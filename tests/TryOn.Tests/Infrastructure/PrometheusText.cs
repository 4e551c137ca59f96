using System.Globalization;

namespace TryOn.Tests.Infrastructure;

/// <summary>Reads a Prometheus scrape (<c>/metrics</c>): each sample's value, summed over its label sets, by name.</summary>
public static class PrometheusText
{
    public static async Task<IReadOnlyDictionary<string, double>> ScrapeAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        return Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    public static IReadOnlyDictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // name{label="value",...} value [timestamp]; label values may hold spaces, so the labels are cut off first.
            var labels = line.IndexOf('{', StringComparison.Ordinal);
            var nameEnd = labels >= 0 ? labels : line.IndexOf(' ', StringComparison.Ordinal);
            var valueStart = labels >= 0 ? line.LastIndexOf('}') + 1 : nameEnd;
            var value = line[valueStart..].Trim().Split(' ')[0];
            samples[line[..nameEnd]] = samples.GetValueOrDefault(line[..nameEnd]) + double.Parse(value, CultureInfo.InvariantCulture);
        }

        return samples;
    }
}
