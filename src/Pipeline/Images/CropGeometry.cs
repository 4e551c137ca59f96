namespace TryOn.Pipeline.Images;

/// <summary>Where a person is in a photo, in pixels: the box around them and the middle of their torso across.</summary>
public readonly record struct PersonPlacement(PixelBox Box, double TorsoCentreX);

/// <summary>Where to cut a shopper photo to the 4:5 portrait framing try-on models expect.</summary>
public static class CropGeometry
{
    /// <summary>The margin kept around the person, as a share of the person's height.</summary>
    private const double Margin = 0.05;

    /// <summary>
    /// The largest 4:5 (width:height) box inside a <paramref name="width"/> x <paramref name="height"/> image; it never
    /// zooms in, so the person keeps the share of the frame they had. With a <paramref name="person"/> it keeps them:
    /// centred across on them (on their torso when they are wider than the box, arms spread), and up and down the whole
    /// body with a margin when it fits, else from a margin above the head down, which keeps face to hips. Without one
    /// (nobody was found) it is centred across and starts at the top, where people's heads are in shopper photos.
    /// </summary>
    public static PixelBox FourByFive(int width, int height, PersonPlacement? person = null)
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

        double centreX = width / 2.0, top = 0;
        if (person is { } placed)
        {
            var box = placed.Box;
            var margin = box.Height * Margin;
            centreX = box.Width <= cropWidth ? box.Left + (box.Width / 2.0) : placed.TorsoCentreX;
            top = box.Height + (2 * margin) <= cropHeight
                ? box.Top + (box.Height / 2.0) - (cropHeight / 2.0)
                : box.Top - margin;
        }

        return new PixelBox(
            Math.Clamp((int)Math.Round(centreX - (cropWidth / 2.0)), 0, width - cropWidth),
            Math.Clamp((int)Math.Round(top), 0, height - cropHeight),
            cropWidth,
            cropHeight);
    }
}
