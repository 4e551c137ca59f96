using System.Collections.Immutable;
using System.Numerics;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Products;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;
using TryOn.Vision.Dressing;
using TryOn.Vision.Pose;
using Xunit;

namespace TryOn.Tests.Engines;

/// <summary>The pose-warp engine's keypoint maths: the garment's keypoints on its outline, the spline, the poses it refuses.</summary>
public sealed class DressingGeometryTests
{
    private const int Side = 1024;
    private static readonly ImagePipeline Pipeline = new(Options.Create(new ImagePipelineOptions()));

    private static GarmentReading Read(byte[] photo, GarmentKind kind)
    {
        var tensor = Pipeline.ToTensor(photo, Side, Side, TensorFit.Contain).Value!;
        return GarmentShapes.Read(GarmentMask.FromLightBackground(tensor.Data, Side, Side), kind);
    }

    [Fact]
    public void A_tee_has_its_shoulders_above_its_armpits_above_its_hem_and_two_short_sleeves()
    {
        var shape = Read(TestGarments.TShirt(), GarmentKind.Top).Shape!;
        Assert.True(shape.ShoulderLeft.X < shape.Neck.X && shape.Neck.X < shape.ShoulderRight.X);
        Assert.True(shape.ShoulderLeft.Y < shape.ArmpitLeft.Y && shape.ArmpitLeft.Y < shape.HemLeft.Y);
        Assert.True(shape.ShoulderRight.Y < shape.ArmpitRight.Y && shape.ArmpitRight.Y < shape.HemRight.Y);
        Assert.NotNull(shape.LeftLimb);
        Assert.NotNull(shape.RightLimb);

        // The sleeves go out and down, each on its own side, shorter than the shoulders are wide.
        Assert.True(shape.LeftLimb!.Opening.Centre.X < shape.ArmpitLeft.X && shape.RightLimb!.Opening.Centre.X > shape.ArmpitRight.X);
        Assert.True(shape.LeftLimb.Length < shape.Span && shape.LeftLimb.Length > 0.2f * shape.Span);
        Assert.Contains(GarmentPart.LeftLimb, shape.Parts);
        Assert.Contains(GarmentPart.RightLimb, shape.Parts);
    }

    [Fact]
    public void A_long_sleeved_top_has_sleeves_longer_than_a_tees()
    {
        var tee = Read(TestGarments.TShirt(), GarmentKind.Top).Shape!;
        var top = Read(TestGarments.LongSleeveTop(), GarmentKind.Top).Shape!;
        Assert.True(top.LeftLimb!.Length / top.Span > 2 * (tee.LeftLimb!.Length / tee.Span));
    }

    [Fact]
    public void A_sleeveless_dress_has_no_sleeves_and_a_long_skirt()
    {
        var dress = Read(TestGarments.Dress(), GarmentKind.Dress).Shape!;
        Assert.Null(dress.LeftLimb);
        Assert.Null(dress.RightLimb);
        Assert.DoesNotContain(GarmentPart.LeftLimb, dress.Parts);
        Assert.True(dress.HemLeft.Y - dress.ArmpitLeft.Y > 1.5f * Vector2.Distance(dress.ArmpitLeft, dress.ArmpitRight));
    }

    [Fact]
    public void Trousers_have_a_crotch_and_two_legs_and_a_skirt_has_neither()
    {
        var trousers = Read(TestGarments.Trousers(), GarmentKind.Bottom).Shape!;
        Assert.NotNull(trousers.Crotch);
        Assert.True(trousers.LeftLimb!.Opening.Centre.X < trousers.Crotch!.Value.X && trousers.RightLimb!.Opening.Centre.X > trousers.Crotch.Value.X);
        Assert.True(trousers.Crotch.Value.Y > trousers.ShoulderLeft.Y && trousers.Crotch.Value.Y < trousers.HemLeft.Y);

        var skirt = Read(TestGarments.Skirt(), GarmentKind.Bottom).Shape!;
        Assert.Null(skirt.Crotch);
        Assert.Null(skirt.LeftLimb);
        Assert.True(skirt.HemRight.X - skirt.HemLeft.X > skirt.Span, "an A-line skirt is wider at the hem than at the waist");
    }

    [Fact]
    public void Nothing_on_the_floor_is_no_garment()
    {
        using var floor = TestImages.Solid(800, 800, 248, 248, 248);
        var reading = Read(TestImages.Jpeg(floor), GarmentKind.Top);
        Assert.Null(reading.Shape);
        Assert.Contains("no garment", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Trousers_read_as_a_top_have_no_armpits()
    {
        var reading = Read(TestGarments.Trousers(), GarmentKind.Top);
        Assert.Null(reading.Shape);
        Assert.NotNull(reading.Problem);
    }

    [Fact]
    public void The_spline_passes_through_its_points_and_keeps_an_affine_map_affine()
    {
        Vector2[] sources = [new(0, 0), new(100, 0), new(0, 100), new(100, 100), new(50, 40)];
        static Vector2 Affine(Vector2 p) => new((2 * p.X) + (0.5f * p.Y) + 10, (-0.3f * p.X) + (1.5f * p.Y) - 4);
        var spline = new ThinPlateSpline(sources, [.. sources.Select(Affine)], smoothing: 0);
        foreach (var point in sources.Append(new Vector2(30, 70)).Append(new Vector2(-40, 160)))
        {
            Assert.True(Vector2.Distance(Affine(point), spline.Map(point)) < 0.05f, $"{point}");
        }

        Vector2[] bent = [.. sources.Select(Affine)];
        bent[4] += new Vector2(0, 25);
        var bending = new ThinPlateSpline(sources, bent, smoothing: 0);
        Assert.True(Vector2.Distance(bent[4], bending.Map(sources[4])) < 0.05f);
    }

    [Fact]
    public void The_spline_needs_three_points()
    {
        Assert.Throws<ArgumentException>(() => new ThinPlateSpline([Vector2.Zero, Vector2.One], [Vector2.Zero, Vector2.One]));
    }

    [Fact]
    public void A_limb_map_takes_each_section_to_its_garment_section()
    {
        LimbSection[] body = [new(new(0, 0), new(20, 0)), new(new(0, 50), new(20, 50)), new(new(30, 90), new(40, 72))];
        LimbSection[] garment = [new(new(100, 100), new(100, 140)), new(new(0, 100), new(0, 140)), new(new(-60, 100), new(-60, 140))];
        var map = new LimbMap(body, garment);
        for (var i = 0; i < body.Length; i++)
        {
            Assert.True(Vector2.Distance(garment[i].Top, map.Map(body[i].Top)) < 0.01f);
            Assert.True(Vector2.Distance(garment[i].Centre, map.Map(body[i].Centre)) < 0.01f);
        }
    }

    /// <summary>A person facing the camera, shoulders 200 px apart, hips below them, arms down: then changed as a test needs.</summary>
    private static PoseLandmark[] Standing()
    {
        var points = Enumerable.Range(0, BodyLandmarks.Count).Select(_ => new PoseLandmark(0.5f, 0.2f, 0, 1, 1)).ToArray();
        void Set(int index, float x, float y) => points[index] = new PoseLandmark(x / 1000, y / 1000, 0, 1, 1);
        Set(BodyLandmarks.RightShoulder, 400, 300);
        Set(BodyLandmarks.LeftShoulder, 600, 300);
        Set(BodyLandmarks.RightHip, 440, 600);
        Set(BodyLandmarks.LeftHip, 560, 600);
        Set(BodyLandmarks.RightElbow, 380, 450);
        Set(BodyLandmarks.LeftElbow, 620, 450);
        Set(BodyLandmarks.RightWrist, 370, 600);
        Set(BodyLandmarks.LeftWrist, 630, 600);
        Set(BodyLandmarks.RightKnee, 445, 850);
        Set(BodyLandmarks.LeftKnee, 555, 850);
        return points;
    }

    [Fact]
    public void A_person_facing_the_camera_arms_down_can_be_dressed()
    {
        var pose = new BodyPose(Standing(), 1000, 1000);
        Assert.Null(pose.ProblemFor(GarmentKind.Top));
        Assert.Null(pose.ProblemFor(GarmentKind.Bottom));
    }

    [Fact]
    public void Arms_crossed_over_the_chest_refuse_a_top_but_not_trousers()
    {
        var points = Standing();
        points[BodyLandmarks.RightWrist] = new PoseLandmark(0.56f, 0.42f, 0, 1, 1);
        points[BodyLandmarks.LeftWrist] = new PoseLandmark(0.44f, 0.44f, 0, 1, 1);
        var pose = new BodyPose(points, 1000, 1000);
        Assert.Equal("arms_crossed", pose.ProblemFor(GarmentKind.Top)?.Reason);
        Assert.Null(pose.ProblemFor(GarmentKind.Bottom));
    }

    [Fact]
    public void A_bust_read_as_a_small_whole_person_has_no_legs_for_bottoms()
    {
        // The model's reading of a head-and-shoulders photo inside a larger frame: hips on the chest, knees beside them.
        var points = Standing();
        points[BodyLandmarks.RightKnee] = new PoseLandmark(0.45f, 0.62f, 0, 1, 1);
        points[BodyLandmarks.LeftKnee] = new PoseLandmark(0.55f, 0.63f, 0, 1, 1);
        Assert.Equal("legs_not_visible", new BodyPose(points, 1000, 1000).ProblemFor(GarmentKind.Bottom)?.Reason);
    }

    [Fact]
    public void A_person_turned_to_the_side_is_refused()
    {
        var points = Standing();
        points[BodyLandmarks.RightShoulder] = new PoseLandmark(0.48f, 0.3f, 0, 1, 1);
        points[BodyLandmarks.LeftShoulder] = new PoseLandmark(0.53f, 0.3f, 0, 1, 1);
        Assert.Equal("side_view", new BodyPose(points, 1000, 1000).ProblemFor(GarmentKind.Top)?.Reason);
    }

    [Fact]
    public void Bottoms_need_the_hips_in_the_photo()
    {
        var points = Standing();
        points[BodyLandmarks.RightHip] = points[BodyLandmarks.RightHip] with { Presence = 0.1f };
        Assert.Equal("hips_not_visible", new BodyPose(points, 1000, 1000).ProblemFor(GarmentKind.Bottom)?.Reason);
        Assert.Null(new BodyPose(points, 1000, 1000).ProblemFor(GarmentKind.Top));
    }

    private sealed class NamedEngine(string name, params string[] categories) : ITryOnEngine
    {
        public string Name => name;

        public IReadOnlySet<string> Categories { get; } = categories.ToHashSet();

        public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

        public Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ProductSnapshot Product(string category) =>
        new("acct_t", "p", ProductKind.Catalog, "P", null, [], null, null, category, null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, false);

    [Fact]
    public void The_engine_registered_last_is_the_default_and_an_operator_can_name_the_fallback()
    {
        ITryOnEngine[] engines = [new NamedEngine("composite", "tops", "dresses"), new NamedEngine("pose-warp", "tops", "dresses", "bottoms")];
        Assert.Equal("pose-warp", new EngineRegistry(engines).Choose(Product("tops")).Engine?.Name);
        var configured = new EngineRegistry(engines, new Dictionary<string, string> { ["tops"] = "composite" });
        Assert.Equal("composite", configured.Choose(Product("tops")).Engine?.Name);
        Assert.Equal("pose-warp", configured.Choose(Product("dresses")).Engine?.Name);
    }

    private sealed class TwoWayEngine : ITryOnEngine
    {
        public string Name => "two-way";

        public IReadOnlySet<string> Categories { get; } = new HashSet<string> { "tops" };

        public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

        public IReadOnlyList<string> AlternativeClassifications { get; } = ["on_model"];

        public Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ProductImage Image(string name, params (string Key, bool Value)[] classifications) =>
        new(name, $"https://shop.example/{name}.jpg", 0, classifications.ToImmutableDictionary(pair => pair.Key, pair => pair.Value), null, ImmutableDictionary<string, bool>.Empty, null, null);

    [Fact]
    public void A_flat_lay_is_chosen_first_and_a_photo_on_a_model_when_there_is_none()
    {
        var registry = new EngineRegistry([new TwoWayEngine()]);
        var both = Product("tops") with { Images = [Image("worn", ("on_model", true)), Image("flat", ("flat_lay", true))] };
        Assert.Equal("flat", registry.Choose(both).Image?.ImageId);
        var worn = Product("tops") with { Images = [Image("packshot", ("flat_lay", false)), Image("worn", ("on_model", true))] };
        Assert.Equal("worn", registry.Choose(worn).Image?.ImageId);
        var neither = Product("tops") with { Images = [Image("packshot", ("flat_lay", false), ("on_model", false))] };
        Assert.Equal("flat_lay", registry.Choose(neither).MissingClassification);
    }

    [Fact]
    public void Naming_an_engine_that_is_not_installed_or_does_not_dress_the_category_stops_the_start()
    {
        ITryOnEngine[] engines = [new NamedEngine("composite", "tops"), new NamedEngine("pose-warp", "tops", "bottoms")];
        var unknown = Assert.Throws<InvalidOperationException>(() => new EngineRegistry(engines, new Dictionary<string, string> { ["tops"] = "learned" }));
        Assert.Contains("not installed", unknown.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<InvalidOperationException>(() => new EngineRegistry(engines, new Dictionary<string, string> { ["bottoms"] = "composite" }));
        Assert.Contains("does not dress 'bottoms'", wrong.Message, StringComparison.Ordinal);
    }
}
