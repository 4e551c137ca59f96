using Microsoft.Extensions.Options;
using NetVips;
using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.People;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;
using TryOn.Tests.People;
using Xunit;

namespace TryOn.Tests.Engines;

/// <summary>
/// The pose-warp engine on real person photos through the upload's path (decoded, person analysis, person-aware crop,
/// stored copy), each garment's placement read back from the result's pixels: the garment covers the body region the
/// pose gives for it, nothing changes away from the person, and the face is left as it was.
/// </summary>
public sealed class PoseWarpEngineTests(PoseModelsFixture fixture) : IClassFixture<PoseModelsFixture>
{
    /// <summary>The shoppers: full length, head and shoulders, off to one side of a wide photo, and small in a tall one.</summary>
    public static TheoryData<string> Framings => ["full-body", "upper-body", "off-centre", "small"];

    private static byte[] Shopper(string framing) => framing switch
    {
        "full-body" => TestImages.Read("person-groom-clipart.png"),
        "upper-body" => TestImages.Read("person-astronaut.png"),
        "off-centre" => TestImages.PersonOn(1400, 900, 620, 0, 280),
        _ => TestImages.PersonOn(900, 1400, 330, 420, 640),
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task A_top_covers_the_torso_stays_on_the_person_and_leaves_the_face(string framing)
    {
        var (photo, result) = await DressAsync(Shopper(framing), TestGarments.LongSleeveTop(), "tops");
        var s = photo.ShoulderWidth;
        var torso = photo.Quad(photo.Shoulders(0.3f, 0.25f * s), photo.Shoulders(0.3f, MathF.Min(0.9f * s, photo.TorsoDepth * 0.8f)));

        // The top is forest green (33, 89, 50): green leads red and blue on most of the chest (hands may lie over it).
        Assert.True(result.Fraction(torso, pixel => pixel.G > pixel.R + 20 && pixel.G > pixel.B + 10) >= 0.6, $"{framing}: the chest is not dressed");
        AssertUnchangedAwayFromPerson(photo, result, framing);
        AssertFaceUnchanged(photo, result, framing);
    }

    [Fact]
    public async Task Trousers_cover_the_thighs_and_leave_the_rest()
    {
        var (photo, result) = await DressAsync(Shopper("full-body"), TestGarments.Trousers(), "bottoms");
        var thighs = photo.Quad(photo.Hips(0.5f, 0.25f * photo.ShoulderWidth), photo.Hips(0.5f, 0.8f * photo.ShoulderWidth));

        // Denim (59, 89, 138): blue well ahead of red.
        Assert.True(result.Fraction(thighs, pixel => pixel.B > pixel.R + 35) >= 0.6, "the thighs are not dressed");
        AssertUnchangedAwayFromPerson(photo, result, "trousers");
        AssertFaceUnchanged(photo, result, "trousers");
        Assert.True(result.Fraction(photo.Quad(photo.Shoulders(0.3f, 0.2f * photo.ShoulderWidth), photo.Shoulders(0.3f, 0.5f * photo.ShoulderWidth)), pixel => pixel.B > pixel.R + 35) < 0.1, "trousers reached the chest");
    }

    [Fact]
    public async Task A_dress_covers_the_body_from_chest_to_hips()
    {
        var (photo, result) = await DressAsync(Shopper("full-body"), TestGarments.Dress(), "dresses");
        var body = photo.Quad(photo.Shoulders(0.3f, 0.5f * photo.ShoulderWidth), photo.Hips(0.4f, 0f));

        // Navy (36, 45, 87) with white dots: blue ahead of red, or the dots' white.
        Assert.True(result.Fraction(body, pixel => pixel.B > pixel.R + 25 || (pixel.R > 200 && pixel.G > 200 && pixel.B > 200)) >= 0.6, "the body is not dressed");
        AssertUnchangedAwayFromPerson(photo, result, "dress", allowance: 0.45f);
        AssertFaceUnchanged(photo, result, "dress");
    }

    [Fact]
    public async Task A_jacket_worn_by_a_model_is_taken_off_the_model_and_put_on_the_shopper()
    {
        // The full-length drawing as an on_model product photo: its black tuxedo jacket onto the test photo, off-centre.
        var (photo, result) = await DressAsync(
            Shopper("off-centre"), TestImages.Read("person-groom-clipart.png"), "outerwear", new Dictionary<string, bool> { ["on_model"] = true });
        var chest = photo.Quad(photo.Shoulders(0.5f, 0.3f * photo.ShoulderWidth), photo.Shoulders(0.5f, 0.8f * photo.ShoulderWidth));
        static bool Dark((int R, int G, int B) pixel) => pixel.R < 90 && pixel.G < 90 && pixel.B < 90;
        var (before, after) = (photo.Fraction(chest, Dark), result.Fraction(chest, Dark));
        Assert.True(after - before >= 0.3, $"the jacket is not on the chest: {before:0.00} of it dark before, {after:0.00} after");
        AssertUnchangedAwayFromPerson(photo, result, "worn jacket");
        AssertFaceUnchanged(photo, result, "worn jacket");
    }

    [Fact]
    public async Task An_on_model_photo_without_a_model_is_refused_with_what_to_use()
    {
        var refusal = await Assert.ThrowsAsync<EngineRefusalException>(() =>
            DressAsync(Shopper("upper-body"), TestGarments.TShirt(), "tops", new Dictionary<string, bool> { ["on_model"] = true }));
        Assert.Contains("flat-lay photo", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_photo_without_a_readable_garment_is_refused_with_the_reason()
    {
        using var blank = TestImages.Solid(600, 600, 250, 250, 250);
        var refusal = await Assert.ThrowsAsync<EngineRefusalException>(() => DressAsync(Shopper("upper-body"), TestImages.Jpeg(blank), "tops"));
        Assert.Contains("no garment was found", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("flat-lay photo", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bottoms_on_a_photo_without_the_hips_are_refused_with_what_to_ask_for()
    {
        var refusal = await Assert.ThrowsAsync<EngineRefusalException>(() => DressAsync(Shopper("upper-body"), TestGarments.Trousers(), "bottoms"));
        Assert.Contains("full-length photo", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_without_person_analysis_is_refused()
    {
        var (stored, _) = fixture.Store(Shopper("upper-body"));
        var engine = new PoseWarpEngine(fixture.Models, fixture.Pipeline, new IsnetCutout(fixture.Models, fixture.Pipeline));
        var refusal = await Assert.ThrowsAsync<EngineRefusalException>(() =>
            engine.RunAsync(new EngineInput(stored.Bytes, TestGarments.TShirt(), Product("tops")), new Progress<double>(), CancellationToken.None));
        Assert.Contains("Upload the photo again", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_result_keeps_the_stored_photo_size()
    {
        var (photo, result) = await DressAsync(Shopper("off-centre"), TestGarments.TShirt(), "tops");
        Assert.Equal((photo.Width, photo.Height), (result.Width, result.Height));
        Assert.True(photo.Height > 768, "the stored photo should be larger than the old fixed output");
    }

    [Fact]
    public async Task A_cancelled_generation_stops()
    {
        var (stored, reading) = fixture.Store(Shopper("upper-body"));
        var engine = new PoseWarpEngine(fixture.Models, fixture.Pipeline, new IsnetCutout(fixture.Models, fixture.Pipeline));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.RunAsync(
            new EngineInput(stored.Bytes, TestGarments.TShirt(), Product("tops"), reading.Person, reading.MaskPng), new Progress<double>(), cancelled.Token));
    }

    /// <summary>Nothing changes farther from the person than the garment's allowance (a top's is small; a dress may flare).</summary>
    /// <summary>
    /// Odd garments (random blobs, slivers, shapes with holes, garments touching the edge) and odd poses (joints moved at
    /// random, out of the frame, folded onto each other): the engine dresses or refuses with its reason, never fails.
    /// </summary>
    [Fact]
    public async Task Odd_garments_and_odd_poses_are_dressed_or_refused_never_an_engine_error()
    {
        var random = new Random(20261202);
        var (stored, reading) = fixture.Store(Shopper("full-body"));
        var engine = new PoseWarpEngine(fixture.Models, fixture.Pipeline, new IsnetCutout(fixture.Models, fixture.Pipeline));
        string[] categories = ["tops", "outerwear", "dresses", "bottoms"];
        var dressed = 0;
        for (var run = 0; run < 40; run++)
        {
            var garment = run % 4 == 0 ? TestGarments.TShirt() : OddGarment(random);
            var person = run % 3 == 0 ? reading.Person : reading.Person with
            {
                Landmarks = [.. reading.Person.Landmarks.Select(point => random.NextDouble() < 0.3
                    ? point with { X = (float)(random.NextDouble() * 1.6) - 0.3f, Y = (float)(random.NextDouble() * 1.6) - 0.3f }
                    : point)],
            };
            try
            {
                var result = await engine.RunAsync(
                    new EngineInput(stored.Bytes, garment, Product(categories[run % categories.Length]), person, reading.MaskPng), new Progress<double>(), CancellationToken.None);
                Assert.Equal((stored.Width, stored.Height), (result.Width, result.Height));
                dressed++;
            }
            catch (EngineRefusalException refusal)
            {
                Assert.False(string.IsNullOrWhiteSpace(refusal.Message));
            }
        }

        Assert.True(dressed > 0, "nothing was dressed at all");
    }

    /// <summary>A random garment-like blob on a light floor: a polygon of 3 to 14 corners, sometimes touching the edge, sometimes with a hole.</summary>
    private static byte[] OddGarment(Random random)
    {
        using var floor = TestImages.Solid(600, 700, 246, 245, 243);
        var corners = random.Next(3, 15);
        var centre = (X: random.Next(150, 450), Y: random.Next(150, 550));
        var points = Enumerable.Range(0, corners).Select(index =>
        {
            var angle = (2 * Math.PI * index / corners) + (random.NextDouble() * 0.4);
            var radius = random.Next(20, 380);
            return (X: (int)(centre.X + (radius * Math.Cos(angle))), Y: (int)(centre.Y + (radius * Math.Sin(angle))));
        }).ToList();
        var drawn = floor.Mutate(canvas =>
        {
            for (var i = 0; i < points.Count; i++)
            {
                var (a, b) = (points[i], points[(i + 1) % points.Count]);
                canvas.DrawLine([40, 60, 120], a.X, a.Y, b.X, b.Y);
            }

            canvas.DrawFlood([40, 60, 120], Math.Clamp(centre.X, 0, 599), Math.Clamp(centre.Y, 0, 699));
            if (random.NextDouble() < 0.3)
            {
                canvas.DrawCircle([246, 245, 243], centre.X, centre.Y, random.Next(5, 60), fill: true);
            }
        });
        using (drawn)
        {
            return TestImages.Jpeg(drawn);
        }
    }

    private static void AssertUnchangedAwayFromPerson(Photo photo, Photo result, string what, float allowance = 0.12f)
    {
        var away = photo.AwayFromPerson(allowance * photo.ShoulderWidth);
        Assert.True(away.Count > 1000, $"{what}: too little of the photo is away from the person to check");
        Assert.True(photo.MeanDifference(result, away) < 3, $"{what}: the photo changed away from the person");
    }

    private static void AssertFaceUnchanged(Photo photo, Photo result, string what) =>
        Assert.True(photo.MeanDifference(result, photo.Face()) < 4, $"{what}: the face changed");

    private async Task<(Photo Photo, Photo Result)> DressAsync(byte[] shopper, byte[] garment, string category, IReadOnlyDictionary<string, bool>? classifications = null)
    {
        var (stored, reading) = fixture.Store(shopper);
        Assert.True(reading.Person.Found);
        using var engine = new PoseWarpEngine(fixture.Models, fixture.Pipeline, new IsnetCutout(fixture.Models, fixture.Pipeline));
        var output = await engine.RunAsync(
            new EngineInput(stored.Bytes, garment, Product(category), reading.Person, reading.MaskPng, classifications), new Progress<double>(), CancellationToken.None);
        return (Photo.Of(stored.Bytes, reading), Photo.Of(output, reading));
    }

    private static ProductSnapshot Product(string category) =>
        new("acct_t", "garment", ProductKind.Catalog, "Garment", null, [], null, null, category, null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);

    /// <summary>An image's pixels with the person analysis of the photo it came from, and the regions the tests read.</summary>
    private sealed class Photo
    {
        private readonly byte[] _rgb;
        private readonly PersonReading _reading;
        private readonly byte[] _mask;
        private readonly int _maskWidth;
        private readonly int _maskHeight;

        private Photo(byte[] rgb, int width, int height, PersonReading reading)
        {
            _rgb = rgb;
            Width = width;
            Height = height;
            _reading = reading;
            (_mask, _maskWidth, _maskHeight) = ImagePipeline.DecodeMask(reading.MaskPng!);
        }

        public int Width { get; }

        public int Height { get; }

        public float ShoulderWidth => Distance(Point(11), Point(12));

        /// <summary>Shoulders to hips, or one and a half shoulder widths when the hips are out of view.</summary>
        public float TorsoDepth => _reading.Person.Landmarks[23].Presence >= 0.5f && _reading.Person.Landmarks[24].Presence >= 0.5f
            ? Distance(Middle(11, 12), Middle(23, 24))
            : 1.5f * ShoulderWidth;

        public static Photo Of(RgbImage pixels, PersonReading reading) => new(pixels.Pixels, pixels.Width, pixels.Height, reading);

        public static Photo Of(byte[] encoded, PersonReading reading)
        {
            using var image = Image.NewFromBuffer(encoded);
            using var flat = image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image.Copy();
            return new Photo(flat.WriteToMemory<byte>(), flat.Width, flat.Height, reading);
        }

        /// <summary>A segment across the body at <paramref name="depth"/> pixels below the shoulders' line, the middle <paramref name="width"/> of them.</summary>
        public ((float X, float Y) Left, (float X, float Y) Right) Shoulders(float width, float depth) => Across(12, 11, width, depth);

        public ((float X, float Y) Left, (float X, float Y) Right) Hips(float width, float depth) => Across(24, 23, width * 2.5f, depth);

        /// <summary>The pixels between two segments across the body.</summary>
        public List<int> Quad(((float X, float Y) Left, (float X, float Y) Right) top, ((float X, float Y) Left, (float X, float Y) Right) bottom)
        {
            var pixels = new List<int>();
            var (x0, x1) = (Math.Min(top.Left.X, bottom.Left.X), Math.Max(top.Right.X, bottom.Right.X));
            var (y0, y1) = (Math.Min(top.Left.Y, top.Right.Y), Math.Max(bottom.Left.Y, bottom.Right.Y));
            for (var y = Math.Max(0, (int)y0); y < Math.Min(Height, (int)y1); y++)
            {
                var t = y1 > y0 ? (y - y0) / (y1 - y0) : 0;
                var left = top.Left.X + ((bottom.Left.X - top.Left.X) * t);
                var right = top.Right.X + ((bottom.Right.X - top.Right.X) * t);
                for (var x = Math.Max(0, (int)left); x < Math.Min(Width, (int)right); x++)
                {
                    pixels.Add((y * Width) + x);
                }
            }

            Assert.True(pixels.Count > 200, $"the region to check is too small ({pixels.Count} pixels between x {x0:0}-{x1:0}, y {y0:0}-{y1:0})");
            return pixels;
        }

        /// <summary>The face: the box of the face's landmarks (nose, eyes, ears, mouth), grown by a fifth of the ears' distance.</summary>
        public List<int> Face()
        {
            var points = Enumerable.Range(0, 11).Select(Point).ToList();
            var grow = 0.2f * Distance(Point(7), Point(8));
            var pixels = new List<int>();
            for (var y = Math.Max(0, (int)(points.Min(p => p.Y) - grow)); y < Math.Min(Height, (int)(points.Max(p => p.Y) + grow)); y++)
            {
                for (var x = Math.Max(0, (int)(points.Min(p => p.X) - grow)); x < Math.Min(Width, (int)(points.Max(p => p.X) + grow)); x++)
                {
                    pixels.Add((y * Width) + x);
                }
            }

            return pixels;
        }

        /// <summary>The pixels farther than <paramref name="margin"/> from every pixel of the person's mask.</summary>
        public List<int> AwayFromPerson(float margin)
        {
            var reach = (int)MathF.Ceiling(margin * _maskWidth / Width);
            var near = new bool[_mask.Length];
            for (var i = 0; i < _mask.Length; i++)
            {
                if (_mask[i] < 16)
                {
                    continue;
                }

                int mx = i % _maskWidth, my = i / _maskWidth;
                for (var y = Math.Max(0, my - reach); y <= Math.Min(_maskHeight - 1, my + reach); y++)
                {
                    for (var x = Math.Max(0, mx - reach); x <= Math.Min(_maskWidth - 1, mx + reach); x++)
                    {
                        near[(y * _maskWidth) + x] = true;
                    }
                }
            }

            var pixels = new List<int>();
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    if (!near[(Math.Min(_maskHeight - 1, y * _maskHeight / Height) * _maskWidth) + Math.Min(_maskWidth - 1, x * _maskWidth / Width)])
                    {
                        pixels.Add((y * Width) + x);
                    }
                }
            }

            return pixels;
        }

        public double Fraction(IReadOnlyList<int> pixels, Func<(int R, int G, int B), bool> test) =>
            pixels.Count(pixel => test((_rgb[pixel * 3], _rgb[(pixel * 3) + 1], _rgb[(pixel * 3) + 2]))) / (double)pixels.Count;

        public double MeanDifference(Photo other, IReadOnlyList<int> pixels) =>
            pixels.Average(pixel => (Math.Abs(_rgb[pixel * 3] - other._rgb[pixel * 3])
                + Math.Abs(_rgb[(pixel * 3) + 1] - other._rgb[(pixel * 3) + 1])
                + Math.Abs(_rgb[(pixel * 3) + 2] - other._rgb[(pixel * 3) + 2])) / 3.0);

        private ((float X, float Y) Left, (float X, float Y) Right) Across(int leftIndex, int rightIndex, float width, float depth)
        {
            var (left, right) = (Point(leftIndex), Point(rightIndex));
            var middle = ((left.X + right.X) / 2, (left.Y + right.Y) / 2);
            var half = Distance(left, right) * width / 2;
            return ((middle.Item1 - half, middle.Item2 + depth), (middle.Item1 + half, middle.Item2 + depth));
        }

        private (float X, float Y) Middle(int a, int b) => ((Point(a).X + Point(b).X) / 2, (Point(a).Y + Point(b).Y) / 2);

        private (float X, float Y) Point(int index) => (_reading.Person.Landmarks[index].X * Width, _reading.Person.Landmarks[index].Y * Height);

        private static float Distance((float X, float Y) a, (float X, float Y) b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
    }
}
