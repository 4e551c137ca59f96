namespace TryOn.Vision.Pose;

/// <summary>
/// MediaPipe's weighted non-maximum suppression (mediapipe/calculators/util/non_max_suppression_calculator.cc,
/// <c>WeightedNonMaxSuppression</c>): the best remaining detection and every one overlapping it by more than the
/// threshold become one detection whose box and keypoints are their score-weighted means, with the best score.
/// </summary>
internal static class WeightedNonMaxSuppression
{
    public static List<PoseDetection> Apply(List<PoseDetection> detections, float overlapThreshold)
    {
        var remaining = detections.OrderByDescending(detection => detection.Score).ToList();
        var kept = new List<PoseDetection>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var candidates = new List<PoseDetection>();
            var rest = new List<PoseDetection>();
            foreach (var detection in remaining)
            {
                (detection.Overlap(best) > overlapThreshold ? candidates : rest).Add(detection);
            }

            kept.Add(Merge(best, candidates));
            remaining = rest;
            if (candidates.Count == 0)
            {
                // An empty box overlaps nothing, not even itself: drop it so the loop ends.
                remaining.Remove(best);
            }
        }

        return kept;
    }

    private static PoseDetection Merge(PoseDetection best, List<PoseDetection> candidates)
    {
        if (candidates.Count == 0)
        {
            return best;
        }

        float total = 0, xMin = 0, yMin = 0, xMax = 0, yMax = 0;
        var keypoints = new float[best.Keypoints.Count * 2];
        foreach (var candidate in candidates)
        {
            var weight = candidate.Score;
            total += weight;
            xMin += candidate.XMin * weight;
            yMin += candidate.YMin * weight;
            xMax += (candidate.XMin + candidate.Width) * weight;
            yMax += (candidate.YMin + candidate.Height) * weight;
            for (var k = 0; k < best.Keypoints.Count; k++)
            {
                keypoints[2 * k] += candidate.Keypoints[k].X * weight;
                keypoints[(2 * k) + 1] += candidate.Keypoints[k].Y * weight;
            }
        }

        var merged = new NormalizedPoint[best.Keypoints.Count];
        for (var k = 0; k < merged.Length; k++)
        {
            merged[k] = new NormalizedPoint(keypoints[2 * k] / total, keypoints[(2 * k) + 1] / total);
        }

        return new PoseDetection(best.Score, xMin / total, yMin / total, (xMax - xMin) / total, (yMax - yMin) / total, merged);
    }
}
