using TryOn.Grains.Engines;
using TryOn.Vision.People;

namespace TryOn.Grains.People;

/// <summary>The BlazePose models by their names in models/manifest.json, and the analyzer over their sessions.</summary>
internal static class PoseModels
{
    public const string Detector = "pose-detection";
    public const string Landmarker = "pose-landmark-full";

    public static PersonAnalyzer CreateAnalyzer(OnnxModels models) => new(models.Session(Detector), models.Session(Landmarker));
}
