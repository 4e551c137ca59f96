using TryOn.Vision.Pose;

namespace TryOn.Vision.People;

/// <summary>
/// Cleans a rendered person mask: the segmentation also lights up things beside the person (a flag, a chair) in
/// patches that touch the person only through faint pixels or not at all. Only the connected part that holds the
/// person's torso is kept, so the box and everything drawn from the mask follow the person alone.
/// </summary>
public static class PersonMask
{
    /// <summary>Pixels at least this strong (of 255) join a part; fainter ones are the soft edge.</summary>
    private const byte PartThreshold = 64;

    /// <summary>
    /// Zeroes every part of <paramref name="mask"/> but the one under the torso of <paramref name="landmarks"/>
    /// (fractions of the mask's window), or the largest part when the torso falls on none.
    /// </summary>
    public static void KeepPerson(byte[] mask, int width, int height, IReadOnlyList<PoseLandmark> landmarks)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(landmarks);
        var labels = ConnectedParts.Label(width, height, pixel => mask[pixel] >= PartThreshold, out var sizes);
        if (sizes.Count <= 2)
        {
            // One part or none: nothing to take away.
            return;
        }

        var keep = PartUnderTorso(labels, width, height, landmarks);
        if (keep == 0)
        {
            keep = sizes.IndexOf(sizes.Max());
        }

        for (var i = 0; i < mask.Length; i++)
        {
            if (labels[i] != keep)
            {
                mask[i] = 0;
            }
        }
    }

    /// <summary>The part under the middle of the shoulders and hips the model places in the frame, or 0.</summary>
    private static int PartUnderTorso(int[] labels, int width, int height, IReadOnlyList<PoseLandmark> landmarks)
    {
        if (BodyLandmarks.Torso(landmarks) is not { } torso)
        {
            return 0;
        }

        // The torso's middle, and each of its points, in turn: the first that lies on a part decides.
        foreach (var (x, y) in torso.Points.Select(point => (point.X, point.Y)).Prepend(torso.Centre))
        {
            var column = (int)(x * width);
            var row = (int)(y * height);
            if (column >= 0 && column < width && row >= 0 && row < height && labels[(row * width) + column] is var label and > 0)
            {
                return label;
            }
        }

        return 0;
    }
}
