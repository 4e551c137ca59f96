using NetVips;

namespace TryOn.Pipeline.Images;

/// <summary>
/// A photo decoded by <see cref="ImagePipeline.DecodePhoto"/>: upright, fitted in the stored size, 8-bit sRGB (with
/// its transparency, if any) in memory. Not thread-safe; dispose it once its copies are made.
/// </summary>
public sealed class DecodedPhoto : IDisposable
{
    private readonly Image _image;
    private readonly int _jpegQuality;

    internal DecodedPhoto(Image image, int jpegQuality)
    {
        _image = image;
        _jpegQuality = jpegQuality;
    }

    public int Width => _image.Width;

    public int Height => _image.Height;

    /// <summary>
    /// Opaque RGB (transparency flattened onto white), interleaved, fitted in <paramref name="maxSide"/> (never
    /// enlarged): the frame the person models look at.
    /// </summary>
    public (byte[] Rgb, int Width, int Height) Frame(int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        using var fitted = _image.ThumbnailImage(maxSide, height: maxSide, size: Enums.Size.Down);
        using var opaque = fitted.HasAlpha() ? fitted.Flatten(background: [255, 255, 255]) : fitted.Copy();
        using var rgb = opaque.Cast(Enums.BandFormat.Uchar);
        return (rgb.WriteToMemory<byte>(), rgb.Width, rgb.Height);
    }

    /// <summary>
    /// The stored copy: <paramref name="crop"/> of the photo (all of it when null), metadata stripped, as JPEG, or as
    /// PNG when it has transparency (a garment cut-out keeps it).
    /// </summary>
    public StoredImage Encode(PixelBox? crop = null)
    {
        using var framed = crop is { } box ? _image.Crop(box.Left, box.Top, box.Width, box.Height) : _image.Copy();
        var transparent = framed.HasAlpha();
        var encoded = transparent
            ? framed.PngsaveBuffer(keep: Enums.ForeignKeep.None)
            : framed.JpegsaveBuffer(q: _jpegQuality, keep: Enums.ForeignKeep.None, subsampleMode: Enums.ForeignSubsample.On);
        return new StoredImage(encoded, transparent ? ImageFormat.Png : ImageFormat.Jpeg, framed.Width, framed.Height);
    }

    public void Dispose() => _image.Dispose();
}
