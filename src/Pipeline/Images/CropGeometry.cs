namespace TryOn.Pipeline.Images;

/// <summary>Where to cut a shopper photo to the 4:5 portrait framing try-on models expect.</summary>
public static class CropGeometry
{
    /// <summary>Headroom kept above the person, as a share of the person's height.</summary>
    private const double Headroom = 0.05;

    /// <summary>
    /// The largest 4:5 (width:height) box inside a <paramref name="width"/> x <paramref name="height"/> image.
    /// With a <paramref name="person"/> box it is centred on the person horizontally and starts a little above
    /// their head. Without one (no segmentation model installed) it is centred horizontally and starts at the top,
    /// where people's heads are in shopper photos, so a full-length photo keeps head and torso.
    /// </summary>
    public static PixelBox FourByFive(int width, int height, PixelBox? person = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);

        // Compare 5w with 4h in integers to decide which side is cut.
        int cropWidth, cropHeight;
        if ((long)width * 5 >= (long)height * 4)
        {
            cropHeight = height;
            cropWidth = Math.Max(1, (int)((long)height * 4 / 5));
        }
        else
        {
            cropWidth = width;
            cropHeight = Math.Max(1, (int)((long)width * 5 / 4));
        }

        var centreX = person is { } box ? box.Left + (box.Width / 2.0) : width / 2.0;
        var top = person is { } p ? p.Top - (p.Height * Headroom) : 0;
        var left = (int)Math.Round(centreX - (cropWidth / 2.0));
        return new PixelBox(
            Math.Clamp(left, 0, width - cropWidth),
            Math.Clamp((int)Math.Round(top), 0, height - cropHeight),
            cropWidth,
            cropHeight);
    }
}
