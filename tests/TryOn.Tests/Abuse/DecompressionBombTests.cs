using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TryOn.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TryOn.Tests.Abuse;

/// <summary>
/// Pixel floods and decompression bombs in every accepted format, each sent three ways: as an upload, as a try-on's
/// shopper file, and as a shopper photo URL the service downloads. Every one is refused with <c>INVALID_IMAGE</c> from
/// its header or a strict decode, and the process never takes the memory the images claim.
/// </summary>
public sealed class DecompressionBombTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private LoopbackImageServer _images = null!;
    private TryOnApp _app = null!;
    private HttpClient _merchant = null!;

    public async Task InitializeAsync()
    {
        _images = await LoopbackImageServer.StartAsync();
        _app = new TryOnApp(_directory.Path, new Dictionary<string, string?> { ["Fetch:AllowPrivateNetworks"] = "true" });
        _merchant = _app.CreateMerchantClient(_app.DevelopmentApiKeyAfterStart());
        using var admin = _app.CreateAdminClient();
        await (await admin.PatchAsJsonAsync("/admin/v1/accounts/acct_dev", new { limits = new { writesPerMinute = 10_000 } })).ShouldBeOkAsync();
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "bomb-target", title = "mock", imageUrls = new[] { _images.Url("/image.png") } })).ShouldBeOkAsync();
    }

    public async Task DisposeAsync()
    {
        _merchant.Dispose();
        await _app.DisposeAsync();
        await _images.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Name, bytes, and the pixels they claim (for the report).</summary>
    private static IEnumerable<(string Name, byte[] Bytes, long ClaimedPixels)> Bombs()
    {
        yield return ("PNG header claiming 30000x30000", TestImages.PngHeaderClaiming(30_000, 30_000), 900_000_000);
        yield return ("PNG header claiming 16384x16384 (sides at the cap, 268 MP)", TestImages.PngHeaderClaiming(16_384, 16_384), 268_435_456);
        yield return ("PNG header claiming 100000x40 (one side over the cap)", TestImages.PngHeaderClaiming(100_000, 40), 4_000_000);
        yield return ("PNG header claiming 0x0", TestImages.PngHeaderClaiming(0, 0), 0);
        yield return ("PNG header claiming 2^31x2^31", TestImages.PngHeaderClaiming(int.MinValue, int.MinValue), long.MaxValue);
        yield return ("real PNG, 8000x8000 of zeros (64 MP) in a few KB", ZeroPng(8_000, 8_000), 64_000_000);
        yield return ("PNG 1x1", ZeroPng(1, 1), 1);
        yield return ("PNG 1000x1000 header with a garbage body", PngWithGarbageBody(1_000, 1_000), 1_000_000);
        yield return ("JPEG whose frame header claims 60000x60000", JpegClaiming(60_000, 60_000), 3_600_000_000);
        yield return ("WebP whose frame header claims 16383x16383", WebPClaiming(16_383, 16_383), 268_402_689);
        yield return ("HEIC cut in half", TestImages.Truncated(TestImages.Read("person-astronaut.heic")), 262_144);
        yield return ("JPEG cut after its header", TestImages.Jpeg(TestImages.Solid(2_000, 2_000, 200, 100, 50))[..700], 4_000_000);
    }

    [Fact]
    public async Task Floods_and_bombs_are_refused_as_INVALID_IMAGE_by_upload_try_on_file_and_url_without_the_memory_they_claim()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var peakBefore = process.PeakWorkingSet64;
        var sent = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var (name, bytes, claimed) in Bombs())
        {
            using (var upload = await _merchant.PostAsync("/tryon/v1/images/upload", Form(("file", bytes))))
            {
                await ExpectInvalidAsync(upload, name, "upload");
            }

            using (var tryOnFile = await _merchant.PostAsync("/tryon/v1/try-on", TryOnForm(bytes)))
            {
                await ExpectInvalidAsync(tryOnFile, name, "try-on file");
            }

            var url = _images.Serve($"bomb-{sent}.png", bytes);
            using (var tryOnUrl = await _merchant.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "bomb-target" } }, person = new { image = new { source = new { url } } } }))
            {
                await ExpectInvalidAsync(tryOnUrl, name, "try-on URL");
            }

            sent += 3;
            output.WriteLine($"{name}: {bytes.Length:N0} bytes claiming {(claimed == long.MaxValue ? "2^62" : claimed.ToString("N0"))} pixels: INVALID_IMAGE three ways");
        }

        process.Refresh();
        var grewBy = process.PeakWorkingSet64 - peakBefore;
        output.WriteLine($"{sent} requests in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; the test process's peak working set grew by {grewBy / (1024 * 1024)} MiB");
        // One of these decoded would need gigabytes (the 60000x60000 JPEG: 10 GB as RGB); refusing them takes almost nothing.
        Assert.True(grewBy < 512L * 1024 * 1024, $"The peak working set grew by {grewBy / (1024 * 1024)} MiB while refusing the bombs.");
        var credits = await (await _merchant.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(0, credits.GetProperty("reserved").GetInt64());
    }

    private static async Task ExpectInvalidAsync(HttpResponseMessage response, string name, string path)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == HttpStatusCode.BadRequest && body.Contains("\"code\":\"INVALID_IMAGE\"", StringComparison.Ordinal),
            $"{name} through {path}: {(int)response.StatusCode} {body}");
    }

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, name, name + ".png");
        }

        return form;
    }

    private static MultipartFormDataContent TryOnForm(byte[] bytes)
    {
        var form = Form(("me", bytes));
        form.Add(new StringContent("""{"products": [{"externalId": "bomb-target"}], "person": {"image": {"source": {"fileKey": "me"}}}}"""), "data");
        return form;
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

        return TestImages.GreyPng(width, height, idat.ToArray());
    }

    private static byte[] PngWithGarbageBody(int width, int height)
    {
        var garbage = new byte[4_096];
        new Random(4).NextBytes(garbage);
        return TestImages.GreyPng(width, height, garbage);
    }

    /// <summary>A real baseline JPEG whose SOF0 frame header is rewritten to claim other dimensions.</summary>
    private static byte[] JpegClaiming(int width, int height)
    {
        var jpeg = TestImages.Jpeg(TestImages.Solid(64, 64, 120, 120, 120));
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

    /// <summary>
    /// A real lossy WebP whose VP8 frame header (14 bits a side), and extended canvas header when there is one
    /// (24 bits a side), are rewritten to claim other dimensions.
    /// </summary>
    private static byte[] WebPClaiming(int width, int height)
    {
        var webp = TestImages.WebP(TestImages.Solid(64, 64, 120, 120, 120));
        var frame = IndexOf(webp, "VP8 ");
        if (frame < 0 || webp[frame + 11] != 0x9D || webp[frame + 12] != 0x01 || webp[frame + 13] != 0x2A)
        {
            throw new InvalidOperationException("The encoder wrote no lossy WebP frame.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(frame + 14), (ushort)(width & 0x3FFF));
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(frame + 16), (ushort)(height & 0x3FFF));
        if (IndexOf(webp, "VP8X") is var canvas and >= 0)
        {
            WriteUInt24LittleEndian(webp.AsSpan(canvas + 12), width - 1);
            WriteUInt24LittleEndian(webp.AsSpan(canvas + 15), height - 1);
        }

        return webp;
    }

    private static int IndexOf(byte[] bytes, string fourCc) => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(fourCc));

    private static void WriteUInt24LittleEndian(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
