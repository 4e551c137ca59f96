namespace TryOn.Pipeline.Images;

/// <summary>What the header says, before any pixel is decoded. Sizes are as stored (before EXIF orientation).</summary>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height);

/// <summary>
/// The normalised copy we store: orientation applied, metadata stripped, fitted in the configured square.
/// JPEG, or PNG when the image has transparency (a garment cut-out must keep it).
/// </summary>
public sealed record StoredImage(byte[] Bytes, ImageFormat Format, int Width, int Height)
{
    public string ContentType => Format == ImageFormat.Png ? "image/png" : "image/jpeg";
}

/// <summary>Model input: RGB float32 in [0, 1], NCHW with N = 1, so <see cref="Data"/> holds 3 x Height x Width values.</summary>
public sealed record ImageTensor(float[] Data, int Width, int Height)
{
    public int[] Shape => [1, 3, Height, Width];
}

/// <summary>How an image is brought to a model's input size.</summary>
public enum TensorFit
{
    /// <summary>Resized to cover the size, then centre-cropped (nothing of the frame is empty).</summary>
    Cover,

    /// <summary>Resized to fit inside the size and centred on white (nothing of the image is lost).</summary>
    Contain,
}

/// <summary>A rectangle in pixels of the oriented image.</summary>
public readonly record struct PixelBox(int Left, int Top, int Width, int Height);

/// <summary>Opaque 8-bit RGB pixels, interleaved, rows top to bottom.</summary>
public sealed record RgbImage(byte[] Pixels, int Width, int Height);
