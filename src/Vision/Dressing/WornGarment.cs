using System.Numerics;
using TryOn.Vision.Pose;

namespace TryOn.Vision.Dressing;

/// <summary>
/// A garment as an <c>on_model</c> product photo shows it, worn: the model's body landmarks (in pixels of the garment
/// image), each pixel's part and the garment's alpha. The garment is the model's mask where a garment of its kind is
/// worn (shoulders to hips for tops, to the knees for dresses, hips to ankles for bottoms), less the face, the hair,
/// the hands and the skin; sleeves and legs are the parts along the model's limbs. It is then put on the shopper
/// body to body (<see cref="DressingPlan.PlanWorn"/>).
/// </summary>
public sealed record WornGarment(GarmentKind Kind, BodyPose Model, GarmentPart[] Parts, float[] Alpha, int Width, int Height)
{
    /// <summary>At least this share of the body region must be garment (not skin) for a garment to be there.</summary>
    private const float MinCoverage = 0.25f;

    /// <param name="kind">What is worn.</param>
    /// <param name="model">The model's landmarks, in pixels of the garment image.</param>
    /// <param name="modelMask">The model's mask over the garment image, one value in [0, 1] a pixel.</param>
    /// <param name="skin">Which pixels of the garment image are skin.</param>
    /// <param name="width">The garment image's width.</param>
    /// <param name="height">The garment image's height.</param>
    public static (WornGarment? Garment, string? Problem) Read(GarmentKind kind, BodyPose model, float[] modelMask, bool[] skin, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelMask);
        ArgumentNullException.ThrowIfNull(skin);
        if (model.ProblemFor(kind) is { } problem)
        {
            return (null, $"the model in the product photo cannot be read ({problem.Reason.Replace('_', ' ')})");
        }

        var s = model.ShoulderWidth;
        var down = model.TorsoDown;
        var across = BodyPose.Across(down);
        var torso = model.TorsoLength;
        var top = kind == GarmentKind.Bottom ? model.HipCentre - (down * (0.2f * torso)) : model.ShoulderCentre - (down * (0.12f * s));
        var bottom = kind switch
        {
            GarmentKind.Top => model.ShoulderCentre + (down * (1.05f * torso)),
            GarmentKind.Dress => (model[BodyLandmarks.LeftKnee] + model[BodyLandmarks.RightKnee]) / 2,
            _ => (model[BodyLandmarks.LeftAnkle] + model[BodyLandmarks.RightAnkle]) / 2,
        };
        var half = kind == GarmentKind.Bottom ? model.HipWidth * 1.4f : s * 0.75f;
        var limbs = kind == GarmentKind.Bottom
            ? new[] { (BodyLandmarks.RightHip, BodyLandmarks.RightKnee, BodyLandmarks.RightAnkle), (BodyLandmarks.LeftHip, BodyLandmarks.LeftKnee, BodyLandmarks.LeftAnkle) }
            : [(BodyLandmarks.RightShoulder, BodyLandmarks.RightElbow, BodyLandmarks.RightWrist), (BodyLandmarks.LeftShoulder, BodyLandmarks.LeftElbow, BodyLandmarks.LeftWrist)];
        var limbRadius = kind == GarmentKind.Bottom ? 0.45f * model.HipWidth : 0.17f * s;
        var face = Enumerable.Range(0, 11).Aggregate(Vector2.Zero, (sum, index) => sum + model[index]) / 11;
        var headRadius = MathF.Max(0.7f * Vector2.Distance(model[BodyLandmarks.LeftEar], model[BodyLandmarks.RightEar]), 0.25f * s);

        var parts = new GarmentPart[width * height];
        var alpha = new float[width * height];
        var region = 0;
        var covered = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var point = new Vector2(x, y);
                var depth = Vector2.Dot(point - top, down);
                var length = Vector2.Dot(bottom - top, down);
                var inBody = depth >= 0 && depth <= length && MathF.Abs(Vector2.Dot(point - top, across)) <= half * (kind == GarmentKind.Dress ? 1f + (depth / length) : 1f);
                var limb = Limb(point, limbs, model, limbRadius, kind == GarmentKind.Bottom ? 1f : 0.95f);
                if (kind != GarmentKind.Bottom && Vector2.Distance(point, face) < headRadius * 1.2f)
                {
                    continue;
                }

                if (!inBody && limb == GarmentPart.None)
                {
                    continue;
                }

                if (inBody && limb == GarmentPart.None)
                {
                    region++;
                }

                if (modelMask[i] < 0.5f || skin[i])
                {
                    continue;
                }

                // Bottoms: the legs are their own parts below the crotch; tops: the arms are sleeves wherever they lie.
                var part = limb != GarmentPart.None && (kind != GarmentKind.Bottom || depth > 0.45f * torso) ? limb : inBody ? GarmentPart.Panel : GarmentPart.None;
                if (part == GarmentPart.None)
                {
                    continue;
                }

                parts[i] = part;
                alpha[i] = modelMask[i];
                if (part == GarmentPart.Panel)
                {
                    covered++;
                }
            }
        }

        return region == 0 || covered < MinCoverage * region
            ? (null, "no garment was found on the model in the product photo (the body there is mostly skin)")
            : (new WornGarment(kind, model, parts, alpha, width, height), null);
    }

    /// <summary>The limb part the point lies on (within <paramref name="radius"/> of shoulder-elbow-wrist, or hip-knee-ankle), or none.</summary>
    private static GarmentPart Limb(Vector2 point, (int Root, int Middle, int End)[] limbs, BodyPose model, float radius, float reach)
    {
        for (var side = 0; side < limbs.Length; side++)
        {
            var (root, middle, end) = limbs[side];
            var tip = model[middle] + ((model[end] - model[middle]) * reach);
            if (DressingPlan.SegmentDistance(point, model[root], model[middle]) < radius || DressingPlan.SegmentDistance(point, model[middle], tip) < radius * 0.85f)
            {
                return side == 0 ? GarmentPart.LeftLimb : GarmentPart.RightLimb;
            }
        }

        return GarmentPart.None;
    }
}
