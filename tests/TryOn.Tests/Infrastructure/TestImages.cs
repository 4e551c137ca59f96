using System.Buffers.Binary;
using System.IO.Compression;
using NetVips;

namespace TryOn.Tests.Infrastructure;

/// <summary>Real image bytes made on the spot, so each fixture's properties are known.</summary>
public static class TestImages
{
    public static string PathOf(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static Image Solid(int width, int height, params double[] colour)
    {
        using var black = Image.Black(width, height);
        using var filled = black.NewFromImage(colour);
        return filled.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>A grey picture with a red square in its top-left quarter, to see where a rotation puts it.</summary>
    public static Image WithTopLeftMarker(int width, int height)
    {
        using var background = Solid(width, height, 128, 128, 128);
        using var marker = Solid(width / 4, height / 4, 255, 0, 0);
        return background.Insert(marker, 0, 0);
    }

    /// <summary>
    /// The test person (person-astronaut.png, head and shoulders) scaled to <paramref name="side"/> pixels square and
    /// placed at (<paramref name="left"/>, <paramref name="top"/>) on a plain grey canvas: a shopper wherever a test
    /// needs one, as JPEG.
    /// </summary>
    public static byte[] PersonOn(int width, int height, int side, int left, int top)
    {
        using var person = Image.NewFromBuffer(Read("person-astronaut.png"));
        using var scaled = person.Resize((double)side / person.Width, kernel: Enums.Kernel.Lanczos3);
        using var canvas = Solid(width, height, 138, 143, 150);
        using var placed = canvas.Insert(scaled, left, top);
        return Jpeg(placed);
    }

    /// <summary>
    /// A T-shirt laid flat on a light floor, photographed: a woven, shaded navy tee with a neck opening, no person.
    /// </summary>
    public static byte[] GarmentFlatLay()
    {
        using var floor = Solid(900, 1100, 222, 214, 200);
        using var body = Solid(420, 620, 34, 52, 110);
        using var sleeves = Solid(760, 200, 34, 52, 110);
        using var neck = Solid(150, 70, 222, 214, 200);
        using var withBody = floor.Insert(body, 240, 300);
        using var withSleeves = withBody.Insert(sleeves, 70, 300);
        using var tee = withSleeves.Insert(neck, 375, 300);
        using var weave = Image.Gaussnoise(900, 1100, sigma: 9);
        using var shade = Image.Xyz(900, 1100)[1].Linear([-0.03], [15.0]);
        using var textured = (tee + weave + shade).Cast(Enums.BandFormat.Uchar);
        return Jpeg(textured);
    }

    public static byte[] Jpeg(Image image, int? exifOrientation = null)
    {
        if (exifOrientation is null)
        {
            return image.JpegsaveBuffer(q: 90);
        }

        using var oriented = image.Mutate(mutable => mutable.Set(GValue.GIntType, "orientation", exifOrientation.Value));
        return oriented.JpegsaveBuffer(q: 90);
    }

    public static byte[] Png(Image image) => image.PngsaveBuffer();

    /// <summary>An engine's result pixels as an image to read.</summary>
    public static Image FromRgb(TryOn.Pipeline.Images.RgbImage image) =>
        Image.NewFromMemory(image.Pixels, image.Width, image.Height, 3, Enums.BandFormat.Uchar);

    public static byte[] WebP(Image image) => image.WebpsaveBuffer(q: 90);

    public static byte[] Truncated(byte[] bytes) => bytes[..(bytes.Length / 2)];

    /// <summary>A 1x1 GIF89a: a real GIF that libvips could decode if its loader were not blocked.</summary>
    public static byte[] Gif() => Convert.FromHexString("4749463839610100010080000000000000FFFFFF21F90401000000002C00000000010001000002024401003B");

    /// <summary>
    /// A grey PNG whose header says <paramref name="width"/> x <paramref name="height"/> with a tiny body:
    /// a decompression bomb as far as any header reader can tell.
    /// </summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        using var body = new MemoryStream();
        using (var zlib = new ZLibStream(body, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[Math.Max(0, width) + 1]);
        }

        return GreyPng(width, height, body.ToArray());
    }

    /// <summary>An 8-bit greyscale PNG with the given header dimensions and <paramref name="idat"/> as its image data, as is.</summary>
    public static byte[] GreyPng(int width, int height, byte[] idat)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter, no interlace
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", idat);
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        output.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
