namespace TryOn.Pipeline.Images;

/// <summary>Limits and output settings of the image pipeline (configuration section <c>Images</c>).</summary>
public sealed class ImagePipelineOptions
{
    public const string SectionName = "Images";

    /// <summary>Largest accepted image, in bytes (10 MB; larger is <c>FILE_TOO_LARGE</c>).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Smallest accepted side, in pixels.</summary>
    public int MinSide { get; set; } = 32;

    /// <summary>Largest accepted side, in pixels: read from the header, before anything is decoded.</summary>
    public int MaxSide { get; set; } = 16384;

    /// <summary>Largest accepted pixel count: the guard against decompression bombs (a 30000x30000 PNG of 100 KB).</summary>
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>The stored copy of an image fits in a square of this side.</summary>
    public int StoredMaxSide { get; set; } = 2048;

    /// <summary>JPEG quality of stored copies and results.</summary>
    public int JpegQuality { get; set; } = 90;

    /// <summary>
    /// Decodes running at once in this process; the rest wait. Bounds memory: one decode of the largest accepted image
    /// holds a few hundred MB at worst (a 50-megapixel HEIC decoded at full size).
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    public IEnumerable<string> Validate()
    {
        if (MaxBytes < ImageSniffer.MinimumLength)
        {
            yield return $"{SectionName}:{nameof(MaxBytes)} must be at least {ImageSniffer.MinimumLength}.";
        }

        if (MinSide < 1 || MaxSide < MinSide || MaxSide > 65_535)
        {
            yield return $"{SectionName}:{nameof(MinSide)} and {nameof(MaxSide)} must satisfy 1 <= MinSide <= MaxSide <= 65535.";
        }

        if (MaxPixels < (long)MinSide * MinSide)
        {
            yield return $"{SectionName}:{nameof(MaxPixels)} must allow at least one MinSide x MinSide image.";
        }

        if (StoredMaxSide is < 64 or > 16384)
        {
            yield return $"{SectionName}:{nameof(StoredMaxSide)} must be between 64 and 16384.";
        }

        if (MaxConcurrentDecodes is < 1 or > 256)
        {
            yield return $"{SectionName}:{nameof(MaxConcurrentDecodes)} must be between 1 and 256.";
        }

        if (JpegQuality is < 1 or > 100)
        {
            yield return $"{SectionName}:{nameof(JpegQuality)} must be between 1 and 100.";
        }
    }
}
