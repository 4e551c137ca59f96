using TryOn.Pipeline.Images;

namespace TryOn.Grains.Generations;

/// <summary>
/// Where a generation's own files live: its result (<c>acct_…/results/gen_….jpg</c>) and its copy of the product
/// image it uses (<c>acct_…/generations/gen_…/product.…</c>). One definition, so retention and erasure find every
/// file that writing may have left.
/// </summary>
internal static class GenerationBlobs
{
    private static readonly string[] ResultExtensions = [".jpg", ".png"];

    public static string Result(string accountId, string generationId, ImageFormat format) =>
        $"{accountId}/results/{generationId}{(format == ImageFormat.Png ? ".png" : ".jpg")}";

    /// <summary>
    /// Every key a result of this generation can have. A result is written before the outcome that names it, so a
    /// crash in between leaves a file no state points to; removing by every possible key leaves none behind.
    /// </summary>
    public static IEnumerable<string> PossibleResults(string accountId, string generationId) =>
        ResultExtensions.Select(extension => $"{accountId}/results/{generationId}{extension}");

    public static string ProductCopy(string accountId, string generationId, string extension) =>
        $"{accountId}/generations/{generationId}/product{extension}";

    public static bool IsProductCopy(string accountId, string generationId, string blobKey) =>
        blobKey.StartsWith($"{accountId}/generations/{generationId}/", StringComparison.Ordinal);
}
