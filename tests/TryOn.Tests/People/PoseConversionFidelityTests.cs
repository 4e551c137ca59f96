using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using TryOn.Grains.People;
using TryOn.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TryOn.Tests.People;

/// <summary>
/// The converted BlazePose graphs compute what MediaPipe's TFLite models compute: the reference outputs in
/// TestData/pose were made once by the TFLite runtime itself (tfjs-tflite's WASM build in Chromium,
/// models/reference/make_pose_reference.mjs) on the committed input tensors, and ONNX Runtime must reproduce them.
/// </summary>
public sealed class PoseConversionFidelityTests(PoseModelsFixture fixture, ITestOutputHelper output) : IClassFixture<PoseModelsFixture>
{
    private static readonly JsonElement Index = JsonDocument.Parse(File.ReadAllText(TestImages.PathOf("pose/index.json"))).RootElement;

    public static TheoryData<string> Cases(string model) =>
        [.. Index.GetProperty("cases").EnumerateArray().Where(entry => entry.GetProperty("model").GetString() == model).Select(entry => entry.GetProperty("name").GetString()!)];

    public static TheoryData<string> LandmarkCases => Cases("pose_landmark_full");

    public static TheoryData<string> DetectorCases => Cases("pose_detection");

    [Theory]
    [MemberData(nameof(LandmarkCases))]
    public void Landmark_model_matches_the_TFLite_runtime(string name)
    {
        var (outputs, expected) = Run(PoseModels.Landmarker, name);

        // 39 landmarks x (x, y, z, visibility, presence), x and y in 256-pixel units: the 33 body points within 0.5 px.
        var landmarks = outputs["Identity"];
        var reference = expected["Identity"];
        var worst = Enumerable.Range(0, 33).Max(i => Math.Max(Math.Abs(landmarks[i * 5] - reference[i * 5]), Math.Abs(landmarks[(i * 5) + 1] - reference[(i * 5) + 1])));
        Assert.True(worst <= 0.5, $"{name}: a landmark is {worst} px from the reference (at most 0.5).");

        var flag = Math.Abs(outputs["Identity_1"][0] - expected["Identity_1"][0]);
        Assert.InRange(flag, 0, 1e-3);

        // The person mask (logit > 0) overlaps the reference's with IoU of at least 0.99, and is not empty.
        var mask = outputs["Identity_2"];
        var referenceMask = expected["Identity_2"];
        int both = 0, either = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            var ours = mask[i] > 0;
            var theirs = referenceMask[i] > 0;
            both += ours && theirs ? 1 : 0;
            either += ours || theirs ? 1 : 0;
        }

        Assert.True(either > mask.Length / 20, $"{name}: the reference mask covers {either} pixels; the test needs a person in it.");
        Assert.True((double)both / either >= 0.99, $"{name}: segmentation IoU {(double)both / either:0.0000} (at least 0.99).");
        output.WriteLine($"{name}: worst landmark {worst:G3} px, pose flag {flag:G3}, segmentation IoU {(double)both / either:0.0000}");
    }

    [Theory]
    [MemberData(nameof(DetectorCases))]
    public void Detector_matches_the_TFLite_runtime(string name)
    {
        var (outputs, expected) = Run(PoseModels.Detector, name);

        // Scores as MediaPipe reads them: clipped to ±100, through a sigmoid; within 1e-3 everywhere.
        static double Score(float logit) => 1 / (1 + Math.Exp(-Math.Clamp(logit, -100, 100)));
        var scores = outputs["Identity_1"];
        var referenceScores = expected["Identity_1"];
        var worst = Enumerable.Range(0, scores.Length).Max(i => Math.Abs(Score(scores[i]) - Score(referenceScores[i])));
        Assert.True(worst <= 1e-3, $"{name}: a score is {worst} from the reference (at most 1e-3).");
        output.WriteLine($"{name}: worst score difference {worst:G3}");
        Assert.Contains(referenceScores, logit => Score(logit) >= 0.5);

        // Where the reference finds a person, the boxes and keypoints agree within a hundredth of a pixel.
        var boxes = outputs["Identity"];
        var referenceBoxes = expected["Identity"];
        for (var anchor = 0; anchor < referenceScores.Length; anchor++)
        {
            if (Score(referenceScores[anchor]) < 0.5)
            {
                continue;
            }

            for (var value = anchor * 12; value < (anchor + 1) * 12; value++)
            {
                Assert.True(Math.Abs(boxes[value] - referenceBoxes[value]) <= 0.01, $"{name}: anchor {anchor}, value {value % 12} is {boxes[value]}, the reference {referenceBoxes[value]}.");
            }
        }
    }

    private (Dictionary<string, float[]> Outputs, Dictionary<string, float[]> Expected) Run(string model, string name)
    {
        var entry = Index.GetProperty("cases").EnumerateArray().Single(item => item.GetProperty("name").GetString() == name);
        var session = fixture.Models.Session(model);
        var inputs = entry.GetProperty("inputs").EnumerateObject().ToDictionary(
            input => input.Name,
            input => OrtValue.CreateTensorValueFromMemory(Read(input.Value), Shape(input.Value)));
        var expected = entry.GetProperty("outputs").EnumerateObject().ToDictionary(output => output.Name, output => Read(output.Value));
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs, [.. expected.Keys]);
            var outputs = expected.Keys.Zip(results).ToDictionary(pair => pair.First, pair => pair.Second.GetTensorDataAsSpan<float>().ToArray());
            foreach (var (output, values) in outputs)
            {
                Assert.Equal(expected[output].Length, values.Length);
            }

            return (outputs, expected);
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private static long[] Shape(JsonElement tensor) => [.. tensor.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt64())];

    private static float[] Read(JsonElement tensor)
    {
        using var file = File.OpenRead(TestImages.PathOf(Path.Combine("pose", tensor.GetProperty("file").GetString()!)));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return MemoryMarshal.Cast<byte, float>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }
}
