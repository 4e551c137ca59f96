using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Pipeline.Images;
using SharpConfiguration = SixLabors.ImageSharp.Configuration;
using VipsImage = NetVips.Image;

namespace TryOn.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- image-bombs</c>: the decompression-bomb matrix of
/// <c>tests/TryOn.Tests/Abuse/DecompressionBombTests</c> (and a few damaged and unwanted files) through the product's
/// NetVips pipeline and through ImageSharp 2.1.13 three ways: its defaults, its tightest limits, and its tightest
/// limits behind our own checks (size, signature, header caps read with <c>Image.Identify</c>). Each input and chain
/// runs in a fresh child process, so its peak resident memory is its own; a child past
/// <see cref="MemoryCeiling"/> or <see cref="TimeCeiling"/> is killed and reported so. It prints a Markdown table
/// and asserts nothing: it reports what each library does.
/// </summary>
internal static class ImageBombMatrix
{
    private const long MemoryCeiling = 4L * 1024 * 1024 * 1024;
    private static readonly TimeSpan TimeCeiling = TimeSpan.FromSeconds(60);
    private static readonly string[] Chains = ["netvips", "imagesharp-default", "imagesharp-limited", "imagesharp-checked"];

    public static void Run(string[] options)
    {
        if (options is ["--case", var index, "--chain", var chain])
        {
            RunOne(int.Parse(index, CultureInfo.InvariantCulture), chain);
            return;
        }

        var inputs = Inputs().ToList();
        Console.WriteLine($"Allocation limit of the limited ImageSharp configuration: {ImageSharpChain.AllocationLimitFor(new ImagePipelineOptions())} MB a buffer; children are killed past {MemoryCeiling >> 20} MiB resident or {TimeCeiling.TotalSeconds:F0} s.");
        Console.WriteLine();
        Console.WriteLine("| input | bytes | NetVips pipeline (ours) | ImageSharp, defaults | ImageSharp, tightest limits | ImageSharp, tightest limits + our checks |");
        Console.WriteLine("| --- | ---: | --- | --- | --- | --- |");
        for (var i = 0; i < inputs.Count; i++)
        {
            var cells = Chains.Select(chain => RunChild(i, chain)).ToList();
            Console.WriteLine($"| {inputs[i].Name} | {inputs[i].Bytes.Length:N0} | {string.Join(" | ", cells)} |");
        }
    }

    /// <summary>Name and bytes: the matrix of DecompressionBombTests first, in its order, then damaged and unwanted files.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Inputs()
    {
        yield return ("PNG header claiming 30000x30000", PngHeaderClaiming(30_000, 30_000));
        yield return ("PNG header claiming 16384x16384", PngHeaderClaiming(16_384, 16_384));
        yield return ("PNG header claiming 100000x40", PngHeaderClaiming(100_000, 40));
        yield return ("PNG header claiming 0x0", PngHeaderClaiming(0, 0));
        yield return ("PNG header claiming 2^31x2^31", PngHeaderClaiming(int.MinValue, int.MinValue));
        yield return ("real PNG, 8000x8000 of zeros (64 MP)", ZeroPng(8_000, 8_000));
        yield return ("PNG 1x1", ZeroPng(1, 1));
        yield return ("PNG 1000x1000 header, garbage body", PngWithGarbageBody(1_000, 1_000));
        yield return ("JPEG frame header claiming 60000x60000", JpegClaiming(60_000, 60_000));
        yield return ("WebP frame header claiming 16383x16383", WebPClaiming(16_383, 16_383));
        yield return ("HEIC cut in half", Half(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.heic"))));
        using var solid = Solid(2_000, 2_000);
        yield return ("JPEG 2000x2000 cut after its header", solid.JpegsaveBuffer(q: 90)[..700]);
        using var photo = VipsImage.NewFromFile(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png"), access: Enums.Access.Random);
        using var portrait = photo.Resize(1500.0 / photo.Width, vscale: 2000.0 / photo.Height);
        yield return ("photo JPEG 1500x2000 cut in half", Half(portrait.JpegsaveBuffer(q: 90)));
        yield return ("photo PNG 1500x2000 cut in half", Half(portrait.PngsaveBuffer()));
        yield return ("photo WebP 1500x2000 cut in half", Half(portrait.WebpsaveBuffer(q: 90)));
        yield return ("GIF 1x1 (a format we refuse)", Convert.FromHexString("4749463839610100010080000000000000FFFFFF21F90401000000002C00000000010001000002024401003B"));
    }

    private static string RunChild(int index, string chain)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ImageBombMatrix).Assembly.Location);
        }

        foreach (var argument in new[] { "image-bombs", "--case", index.ToString(CultureInfo.InvariantCulture), "--chain", chain })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        long highest = 0;
        while (!child.WaitForExit(10))
        {
            highest = Math.Max(highest, ResidentBytes(child.Id));
            if (highest > MemoryCeiling || clock.Elapsed > TimeCeiling)
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                return highest > MemoryCeiling
                    ? $"**killed**: resident memory past {MemoryCeiling >> 20} MiB after {clock.Elapsed.TotalSeconds:F1} s"
                    : $"**killed**: still running after {TimeCeiling.TotalSeconds:F0} s ({highest >> 20} MiB resident)";
            }
        }

        var line = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT\t", StringComparison.Ordinal));
        if (line is null)
        {
            var error = stderr.Result.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "no output";
            return $"**crashed** (exit {child.ExitCode}): {error.Replace('|', '/')}";
        }

        var fields = line.Split('\t');
        return $"{fields[1]}; {fields[2]} ms, peak +{fields[3]} MB, {fields[4]} MB managed";
    }

    private static void RunOne(int index, string chain)
    {
        var limits = new ImagePipelineOptions();
        var bytes = Inputs().ElementAt(index).Bytes;
        Func<byte[], string> run = chain switch
        {
            "netvips" => NetVipsPipeline(limits),
            "imagesharp-default" => ImageSharp(new ImageSharpChain(SharpConfiguration.Default, limits), checkedFirst: false),
            "imagesharp-limited" => ImageSharp(new ImageSharpChain(ImageSharpChain.Limited(ImageSharpChain.AllocationLimitFor(limits)), limits), checkedFirst: false),
            "imagesharp-checked" => ImageSharp(new ImageSharpChain(ImageSharpChain.Limited(ImageSharpChain.AllocationLimitFor(limits)), limits), checkedFirst: true),
            _ => throw new ArgumentException($"Unknown chain {chain}.", nameof(chain)),
        };

        // Warmed up on a small valid photo first, so the time is the library's and not the JIT's.
        using (var warm = Solid(640, 480))
        {
            run(warm.JpegsaveBuffer(q: 90));
            run(warm.PngsaveBuffer());
        }

        GC.Collect();
        var residentBefore = ResidentBytes(Environment.ProcessId);
        // Writing 5 to clear_refs resets the kernel's peak resident size (VmHWM) to the current size.
        File.WriteAllText("/proc/self/clear_refs", "5");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        string outcome;
        try
        {
            outcome = run(bytes);
        }
#pragma warning disable CA1031 // The report names whatever the library threw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            outcome = $"refused ({exception.GetType().Name})";
        }

        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var peak = StatusBytes(Environment.ProcessId, "VmHWM:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT\t{outcome.Replace('\t', ' ')}\t{elapsed.TotalMilliseconds:F1}\t{Math.Max(0, peak - residentBefore) / 1e6:F0}\t{allocated / 1e6:F1}"));
    }

    private static Func<byte[], string> NetVipsPipeline(ImagePipelineOptions limits)
    {
        var pipeline = new ImagePipeline(Options.Create(limits));
        return bytes => pipeline.ToTensor(bytes, 768, 1024).Rejection is { } rejection
            ? $"refused ({rejection.Problem}: {rejection.Message})"
            : "**decoded**";
    }

    private static Func<byte[], string> ImageSharp(ImageSharpChain chain, bool checkedFirst) => bytes =>
    {
        if (checkedFirst && chain.Refusal(bytes) is { } refusal)
        {
            return $"refused ({refusal})";
        }

        chain.DecodeToTensor(bytes, 768, 1024);
        return "**decoded**";
    };

    private static long ResidentBytes(int processId) => StatusBytes(processId, "VmRSS:");

    private static long StatusBytes(int processId, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0; // the child has just exited
        }
    }

    private static VipsImage Solid(int width, int height)
    {
        using var black = VipsImage.Black(width, height);
        using var filled = black.NewFromImage(200, 100, 50);
        return filled.Cast(Enums.BandFormat.Uchar);
    }

    private static byte[] Half(byte[] bytes) => bytes[..(bytes.Length / 2)];

    private static byte[] PngHeaderClaiming(int width, int height)
    {
        using var body = new MemoryStream();
        using (var zlib = new ZLibStream(body, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[Math.Max(0, width) + 1]);
        }

        return GreyPng(width, height, body.ToArray());
    }

    /// <summary>A valid greyscale PNG of zeros: every row is one filter byte and zeros, so deflate packs it ~1000:1.</summary>
    private static byte[] ZeroPng(int width, int height)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        return GreyPng(width, height, idat.ToArray());
    }

    private static byte[] PngWithGarbageBody(int width, int height)
    {
        var garbage = new byte[4_096];
        new Random(4).NextBytes(garbage);
        return GreyPng(width, height, garbage);
    }

    /// <summary>A real baseline JPEG whose SOF0 frame header is rewritten to claim other dimensions.</summary>
    private static byte[] JpegClaiming(int width, int height)
    {
        using var small = Solid(64, 64);
        var jpeg = small.JpegsaveBuffer(q: 90);
        for (var i = 2; i + 9 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), (ushort)width);
                return jpeg;
            }
        }

        throw new InvalidOperationException("The encoder wrote no baseline frame header.");
    }

    /// <summary>A real lossy WebP whose VP8 frame header (and extended canvas header, if any) claims other dimensions.</summary>
    private static byte[] WebPClaiming(int width, int height)
    {
        using var small = Solid(64, 64);
        var webp = small.WebpsaveBuffer(q: 90);
        var frame = webp.AsSpan().IndexOf("VP8 "u8);
        if (frame < 0 || webp[frame + 11] != 0x9D || webp[frame + 12] != 0x01 || webp[frame + 13] != 0x2A)
        {
            throw new InvalidOperationException("The encoder wrote no lossy WebP frame.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(frame + 14), (ushort)(width & 0x3FFF));
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(frame + 16), (ushort)(height & 0x3FFF));
        if (webp.AsSpan().IndexOf("VP8X"u8) is var canvas and >= 0)
        {
            WriteUInt24LittleEndian(webp.AsSpan(canvas + 12), width - 1);
            WriteUInt24LittleEndian(webp.AsSpan(canvas + 15), height - 1);
        }

        return webp;
    }

    private static void WriteUInt24LittleEndian(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }

    private static byte[] GreyPng(int width, int height, byte[] idat)
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
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
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
