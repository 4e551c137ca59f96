namespace TryOn.Vision.Pose;

/// <summary>
/// An upright photo as the models see it: 8-bit RGB, interleaved, rows top to bottom without padding. Coordinates
/// elsewhere in this assembly are either pixels of such a frame or fractions of its width and height.
/// </summary>
public readonly record struct RgbFrame
{
    public RgbFrame(ReadOnlyMemory<byte> pixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes of RGB for {width}x{height}, got {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
    }

    public ReadOnlyMemory<byte> Pixels { get; }

    public int Width { get; }

    public int Height { get; }
}
