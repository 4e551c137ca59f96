namespace TryOn.Pipeline.Images;

/// <summary>
/// Our own allow-list of signatures, checked before any library sees the bytes. Libraries happily decode GIF,
/// TIFF, BMP, SVG and more when asked to guess; we never let them guess.
/// </summary>
public static class ImageSniffer
{
    /// <summary>Fewer bytes than this cannot hold the header of any accepted format.</summary>
    public const int MinimumLength = 32;

    /// <summary>The accepted format these bytes declare, or null when they are something else.</summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < MinimumLength)
        {
            return null;
        }

        if (bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (bytes.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (bytes[4..8].SequenceEqual("ftyp"u8) && IsHeic(bytes) && HasHevcCoding(bytes))
        {
            return ImageFormat.Heic;
        }

        return null;
    }

    /// <summary>
    /// An ISO base media 'ftyp' box with an HEVC-coded HEIF brand. The generic brands (mif1, msf1) are shared with
    /// AVIF, so for them an HEVC brand must also be among the compatible brands.
    /// </summary>
    private static bool IsHeic(ReadOnlySpan<byte> bytes)
    {
        var major = bytes[8..12];
        if (IsHevcBrand(major))
        {
            return true;
        }

        if (!major.SequenceEqual("mif1"u8) && !major.SequenceEqual("msf1"u8))
        {
            return false;
        }

        var boxLength = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes), (uint)bytes.Length);
        for (var offset = 16; offset + 4 <= boxLength; offset += 4)
        {
            if (IsHevcBrand(bytes.Slice(offset, 4)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Brands are only labels: an AVIF with a patched brand would reach the AV1 decoder. An HEVC-coded file carries
    /// the HEVC decoder configuration box ('hvcC'); an AV1-coded one carries 'av1C', which we refuse outright.
    /// </summary>
    private static bool HasHevcCoding(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOf("hvcC"u8) >= 0 && bytes.IndexOf("av1C"u8) < 0;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool IsHevcBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("heim"u8)
        || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8);
}
