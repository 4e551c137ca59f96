using TryOn.Vision.People;

namespace TryOn.Vision.Dressing;

/// <summary>
/// A garment's soft mask over its product image (values in [0, 1], rows top to bottom), cleaned to the one garment:
/// the largest connected part is kept and holes inside it are filled (a print, a button that the cut-out missed).
/// </summary>
public sealed class GarmentMask
{
    /// <summary>Background distance below which a pixel is floor (the composite graph's cut-out uses the same numbers).</summary>
    private const float BackgroundThreshold = 0.08f;

    private const float Gain = 8f;

    private GarmentMask(float[] values, int width, int height)
    {
        Values = values;
        Width = width;
        Height = height;
    }

    public float[] Values { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Whether the garment covers the pixel at (<paramref name="x"/>, <paramref name="y"/>); false outside the image.</summary>
    public bool Covers(int x, int y) => x >= 0 && y >= 0 && x < Width && y < Height && Values[(y * Width) + x] >= 0.5f;

    /// <summary>
    /// The cut-out of a garment photographed on a plain light background: how far each pixel is from white in its most
    /// distant channel. <paramref name="planarRgb"/> is RGB planes in [0, 1].
    /// </summary>
    public static GarmentMask FromLightBackground(ReadOnlySpan<float> planarRgb, int width, int height)
    {
        var plane = width * height;
        if (planarRgb.Length != plane * 3)
        {
            throw new ArgumentException($"Expected {plane * 3} RGB values, got {planarRgb.Length}.", nameof(planarRgb));
        }

        var values = new float[plane];
        for (var i = 0; i < plane; i++)
        {
            var distance = 1f - MathF.Min(planarRgb[i], MathF.Min(planarRgb[plane + i], planarRgb[(2 * plane) + i]));
            values[i] = Math.Clamp((distance - BackgroundThreshold) * Gain, 0f, 1f);
        }

        return Cleaned(values, width, height);
    }

    /// <summary>A mask from another cut-out (the optional ISNet model), cleaned the same way.</summary>
    public static GarmentMask From(float[] values, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != width * height)
        {
            throw new ArgumentException($"Expected {width * height} values, got {values.Length}.", nameof(values));
        }

        return Cleaned((float[])values.Clone(), width, height);
    }

    private static GarmentMask Cleaned(float[] values, int width, int height)
    {
        var labels = ConnectedParts.Label(width, height, pixel => values[pixel] >= 0.5f, out var sizes);
        var keep = sizes.Count > 1 ? sizes.IndexOf(sizes.Skip(1).Max()) : -1;

        // The kept part, and its soft edge: the fainter pixels within a couple of pixels of it (not the floor's faint
        // texture, nor other things' edges, farther away).
        var near = new bool[values.Length];
        const int Edge = 2;
        for (var i = 0; i < values.Length; i++)
        {
            if (labels[i] != keep)
            {
                continue;
            }

            int x = i % width, y = i / width;
            for (var dy = -Edge; dy <= Edge; dy++)
            {
                for (var dx = -Edge; dx <= Edge; dx++)
                {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height)
                    {
                        near[(ny * width) + nx] = true;
                    }
                }
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (labels[i] != keep && (values[i] >= 0.5f || !near[i]))
            {
                values[i] = 0f;
            }
        }

        // Holes: parts of the background that do not reach the image's border.
        var background = ConnectedParts.Label(width, height, pixel => values[pixel] < 0.5f, out var backgroundSizes);
        var open = new bool[backgroundSizes.Count];
        for (var x = 0; x < width; x++)
        {
            open[background[x]] = true;
            open[background[((height - 1) * width) + x]] = true;
        }

        for (var y = 0; y < height; y++)
        {
            open[background[y * width]] = true;
            open[background[(y * width) + width - 1]] = true;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (background[i] > 0 && !open[background[i]])
            {
                values[i] = 1f;
            }
        }

        return new GarmentMask(values, width, height);
    }
}
