using NetVips;

namespace TryOn.Pipeline.Images;

/// <summary>How a product photo shows the garment.</summary>
public enum GarmentPhotoKind
{
    /// <summary>No confident answer.</summary>
    Unknown,

    /// <summary>Worn by a person: enough skin is visible.</summary>
    OnModel,

    /// <summary>Laid flat on a plain background.</summary>
    FlatLay,

    /// <summary>On a plain background with the garment's inside visible at the neck: an invisible mannequin.</summary>
    GhostMannequin,
}

/// <summary>
/// A small, explainable heuristic (no model) for what kind of product photo this is, run on a 128-pixel thumbnail
/// of the stored copy. Skin (a YCbCr range) covering at least 6% of the picture means a person wears it. Otherwise,
/// on a plain background (at least 80% of the border within a small distance of its median colour), a dark
/// opening at the top centre of the garment, the inside showing at the neck, means a ghost mannequin, and its
/// absence a flat lay. Anything else is unknown. Callers can always override it with their own classifications.
/// </summary>
public static class GarmentPhotoClassifier
{
    private const int Side = 128;
    private const double SkinShareForModel = 0.06;
    private const double PlainBorderShare = 0.8;
    private const int BackgroundDistance = 30;
    private const double NeckOpeningShare = 0.15;

    public static GarmentPhotoKind Classify(byte[] storedImage)
    {
        ArgumentNullException.ThrowIfNull(storedImage);
        using var thumbnail = Image.ThumbnailBuffer(storedImage, Side, height: Side);
        using var srgb = thumbnail.Colourspace(Enums.Interpretation.Srgb);
        using var opaque = srgb.HasAlpha() ? srgb.Flatten(background: [255, 255, 255]) : srgb.Copy();
        using var bytes = opaque.Cast(Enums.BandFormat.Uchar);
        return Classify(bytes.WriteToMemory<byte>(), bytes.Width, bytes.Height);
    }

    internal static GarmentPhotoKind Classify(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var pixels = width * height;
        var skin = 0;
        for (var i = 0; i < pixels; i++)
        {
            if (IsSkin(rgb[i * 3], rgb[(i * 3) + 1], rgb[(i * 3) + 2]))
            {
                skin++;
            }
        }

        if (skin >= pixels * SkinShareForModel)
        {
            return GarmentPhotoKind.OnModel;
        }

        if (!TryPlainBackground(rgb, width, height, out var background))
        {
            return GarmentPhotoKind.Unknown;
        }

        // The garment: pixels away from the background colour; its bounding box and median brightness.
        int left = width, right = -1, top = height, bottom = -1;
        var lumas = new List<int>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                if (Distance(rgb, i, background) > BackgroundDistance)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                    lumas.Add(Luma(rgb[i], rgb[i + 1], rgb[i + 2]));
                }
            }
        }

        if (lumas.Count < pixels / 20)
        {
            return GarmentPhotoKind.Unknown;
        }

        lumas.Sort();
        var median = lumas[lumas.Count / 2];
        var boxWidth = right - left + 1;
        var boxHeight = bottom - top + 1;
        int windowLeft = left + (boxWidth * 35 / 100), windowRight = left + (boxWidth * 65 / 100);
        int windowTop = top, windowBottom = top + Math.Max(1, boxHeight * 15 / 100);
        int dark = 0, window = 0;
        for (var y = windowTop; y < windowBottom; y++)
        {
            for (var x = windowLeft; x < windowRight; x++)
            {
                var i = ((y * width) + x) * 3;
                window++;
                if (Distance(rgb, i, background) > BackgroundDistance && Luma(rgb[i], rgb[i + 1], rgb[i + 2]) < median - 40)
                {
                    dark++;
                }
            }
        }

        return window > 0 && dark >= window * NeckOpeningShare ? GarmentPhotoKind.GhostMannequin : GarmentPhotoKind.FlatLay;
    }

    /// <summary>The classifications of <paramref name="kind"/>: one true flag, the other two false; none when unknown.</summary>
    public static IReadOnlyDictionary<string, bool> ToClassifications(GarmentPhotoKind kind) => kind switch
    {
        GarmentPhotoKind.OnModel => Flags(onModel: true, flatLay: false, ghost: false),
        GarmentPhotoKind.FlatLay => Flags(onModel: false, flatLay: true, ghost: false),
        GarmentPhotoKind.GhostMannequin => Flags(onModel: false, flatLay: false, ghost: true),
        _ => new Dictionary<string, bool>(),
    };

    private static Dictionary<string, bool> Flags(bool onModel, bool flatLay, bool ghost) =>
        new() { ["on_model"] = onModel, ["flat_lay"] = flatLay, ["ghost_mannequin"] = ghost };

    private static bool TryPlainBackground(ReadOnlySpan<byte> rgb, int width, int height, out (int R, int G, int B) background)
    {
        var ring = Math.Max(1, Math.Min(width, height) / 25);
        var border = new List<int>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (x < ring || y < ring || x >= width - ring || y >= height - ring)
                {
                    border.Add(((y * width) + x) * 3);
                }
            }
        }

        var copy = rgb.ToArray();
        int Median(int channel)
        {
            var values = border.Select(i => (int)copy[i + channel]).Order().ToList();
            return values[values.Count / 2];
        }

        background = (Median(0), Median(1), Median(2));
        var colour = background;
        var close = border.Count(i => Distance(copy, i, colour) <= BackgroundDistance);
        return close >= border.Count * PlainBorderShare;
    }

    private static int Distance(ReadOnlySpan<byte> rgb, int i, (int R, int G, int B) colour) =>
        Math.Abs(rgb[i] - colour.R) + Math.Abs(rgb[i + 1] - colour.G) + Math.Abs(rgb[i + 2] - colour.B);

    private static int Luma(int r, int g, int b) => ((299 * r) + (587 * g) + (114 * b)) / 1000;

    /// <summary>A common YCbCr skin range; dark and very bright pixels are left out.</summary>
    /// <summary>Whether an sRGB colour is in the skin range (YCbCr) the classifier counts.</summary>
    public static bool IsSkin(int r, int g, int b)
    {
        var y = Luma(r, g, b);
        var cb = 128 + ((-168736 * r) - (331264 * g) + (500000 * b)) / 1000000;
        var cr = 128 + ((500000 * r) - (418688 * g) - (81312 * b)) / 1000000;
        return y is > 60 and < 250 && cb is >= 77 and <= 127 && cr is >= 133 and <= 173;
    }
}
