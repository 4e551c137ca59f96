using System.Globalization;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Products;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>How the dashboard writes times, durations and statuses: one way on every page.</summary>
public static class DashboardFormat
{
    /// <summary>An instant in UTC to the minute, e.g. <c>2026-12-06 14:05 UTC</c>.</summary>
    public static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The machine-readable form of <see cref="Time"/>, for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset instant) => instant.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A duration in milliseconds as people read it: <c>850 ms</c>, <c>3.2 s</c>, <c>2 min 5 s</c>; a dash when none.</summary>
    public static string Duration(long? milliseconds) => milliseconds switch
    {
        null => "–",
        < 1000 => milliseconds.Value.ToString(CultureInfo.InvariantCulture) + " ms",
        < 60_000 => (milliseconds.Value / 1000d).ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => $"{milliseconds.Value / 60_000} min {milliseconds.Value / 1000 % 60} s",
    };

    /// <summary>
    /// What a try-on was of, for people: the catalogue product's external id, or, for a garment uploaded with the try-on
    /// (a one-shot product, whose id is made up), "uploaded garment".
    /// </summary>
    public static string Product(GenerationView generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return generation.ProductExternalId.StartsWith(ProductKeys.AnonymousPrefix, StringComparison.Ordinal) ? "uploaded garment" : generation.ProductExternalId;
    }

    /// <summary>A status as a word, e.g. <c>Completed</c>.</summary>
    public static string Status(GenerationStatus status) => status.ToString();

    /// <summary>The CSS class of a status badge.</summary>
    public static string StatusClass(GenerationStatus status) => "status status-" + status.ToString().ToLowerInvariant();

    /// <summary>A share as a whole percentage, e.g. <c>97 %</c>; a dash when there is nothing to share.</summary>
    public static string Percent(long part, long whole) =>
        whole == 0 ? "–" : Math.Round(100d * part / whole).ToString(CultureInfo.InvariantCulture) + " %";
}
