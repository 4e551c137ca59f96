using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using TryOn.Vision.Pose;

namespace TryOn.Vision.People;

/// <summary>
/// Finds the person in a photo the way MediaPipe's pose solution does for a still image
/// (mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt without tracking): the detector on the whole frame, the
/// best detection's region, the landmark model on that region. One addition of ours: when the whole frame shows the
/// detector nobody, it looks again through overlapping windows half the frame's longer side wide
/// (<see cref="SearchWindows"/>), because at 224x224 a person under about a quarter of the photo's longer side is too
/// few pixels for it; so a small, distant shopper is found (and can be told so) rather than missed.
/// One instance per process over one warmed session per
/// model; thread-safe, each analysis borrowing a pooled <see cref="PoseWorkspace"/> so the models' inputs and outputs
/// are never allocated per request.
/// </summary>
public sealed class PersonAnalyzer : IDisposable
{
    private readonly PoseDetector _detector;
    private readonly PoseLandmarker _landmarker;
    private readonly ConcurrentBag<PoseWorkspace> _workspaces = [];

    public PersonAnalyzer(InferenceSession detector, InferenceSession landmarker)
    {
        _detector = new PoseDetector(detector);
        _landmarker = new PoseLandmarker(landmarker);
    }

    /// <summary>The most confident person in <paramref name="frame"/>, or null when there is none.</summary>
    public PoseObservation? Observe(RgbFrame frame, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var workspace = _workspaces.TryTake(out var pooled) ? pooled : new PoseWorkspace();
        try
        {
            using var runOptions = new RunOptions();
            var best = _detector.Detect(frame, workspace, runOptions).FirstOrDefault();
            foreach (var window in best is null ? SearchWindows(frame) : [])
            {
                cancellationToken.ThrowIfCancellationRequested();
                var found = _detector.Detect(frame, window, workspace, runOptions).FirstOrDefault();
                if (found is not null && (best is null || found.Score > best.Score))
                {
                    best = found;
                }
            }

            if (best is null)
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var region = PoseRegion.FromDetection(best, frame.Width, frame.Height);
            return region.Width > 0 ? _landmarker.Locate(frame, region, best.Score, workspace, runOptions) : null;
        }
        finally
        {
            _workspaces.Add(workspace);
        }
    }

    /// <summary>
    /// Square windows half the frame's longer side wide (never under the detector's 224 pixels), overlapping by half,
    /// covering the frame: 3x3 for a square frame, 3x1 for a 2:1 landscape one.
    /// </summary>
    internal static IEnumerable<RotatedRect> SearchWindows(RgbFrame frame)
    {
        var side = Math.Max(Math.Max(frame.Width, frame.Height) / 2f, SsdAnchors.InputSize);
        if (side >= Math.Max(frame.Width, frame.Height))
        {
            yield break;
        }

        foreach (var centreY in Centres(frame.Height, side))
        {
            foreach (var centreX in Centres(frame.Width, side))
            {
                yield return new RotatedRect(centreX, centreY, side, side, 0);
            }
        }
    }

    /// <summary>Window centres along a side of <paramref name="length"/> pixels, half a window apart, first and last flush with the edges.</summary>
    private static IEnumerable<float> Centres(int length, float side)
    {
        if (side >= length)
        {
            yield return length / 2f;
            yield break;
        }

        var steps = (int)MathF.Ceiling((length - side) / (side / 2));
        for (var i = 0; i <= steps; i++)
        {
            yield return (side / 2) + ((length - side) * i / steps);
        }
    }

    public void Dispose()
    {
        while (_workspaces.TryTake(out var workspace))
        {
            workspace.Dispose();
        }
    }
}
