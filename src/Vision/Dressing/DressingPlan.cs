using System.Numerics;
using TryOn.Vision.Pose;

namespace TryOn.Vision.Dressing;

/// <summary>A rectangle of an image, in pixels.</summary>
public readonly record struct ImageRegion(int Left, int Top, int Width, int Height);

/// <summary>
/// What the warp graph needs to dress one person with one garment, all over <see cref="Region"/> of the shopper image
/// on a coarse grid of <see cref="GridWidth"/> x <see cref="GridHeight"/> nodes (the graph interpolates it to every
/// pixel): for each garment part (panel, image-left limb, image-right limb) the garment pixel each node shows, as
/// GridSample's coordinates in [-1, 1] (<see cref="Grids"/>, parts x rows x columns x (x, y)); and two masks
/// (<see cref="Masks"/>, 2 x rows x columns): where the arms lie over the garment's panel, and where any garment may be
/// drawn at all (the person, with an allowance, less the face, neck and hands).
/// </summary>
public sealed record DressingLayout(ImageRegion Region, int GridWidth, int GridHeight, float[] Grids, float[] Masks)
{
    public const int Parts = 3;
}

/// <summary>A layout, or why the garment cannot be put on this person.</summary>
public sealed record DressingOutcome(DressingLayout? Layout, string? Reason, string? Problem);

/// <summary>
/// Puts a garment on a body: the keypoint maths of the pose-guided engine. The garment is scaled to the body by its
/// span (seam to seam at the shoulders, or the waistband against the hips) and keeps its own proportions, so a cropped
/// top stays cropped and a long dress reaches below the knee. Its panel follows the torso through a thin-plate spline
/// from the body's keypoints to the garment's (shoulders exact, width let out where the body is wider); each sleeve or
/// leg follows its limb, piecewise affine along shoulder, elbow and wrist, or hip, knee and ankle.
/// </summary>
public static class DressingPlan
{
    /// <summary>A garment's shoulder seams sit outside the shoulder joints BlazePose gives: seam span over joint span.</summary>
    public const float ShoulderSeamSpread = 1.22f;

    /// <summary>A sleeveless garment's width at the armpits, against the shoulder joints' span.</summary>
    public const float ChestSpread = 1.1f;

    /// <summary>A waistband worn, against the hip joints' span.</summary>
    public const float WaistbandSpread = 1.75f;

    /// <summary>Node spacing of the grid, in image pixels (the graph interpolates between nodes).</summary>
    public const int GridStep = 4;

    private const int Panel = 0;
    private const int LeftLimb = 1;
    private const int RightLimb = 2;

    /// <summary>GridSample coordinate of a node that shows no garment (outside [-1, 1]: sampled as nothing).</summary>
    private const float Nowhere = -4f;

    /// <param name="shape">The garment's keypoints, in pixels of its image.</param>
    /// <param name="garmentWidth">The garment image's width.</param>
    /// <param name="garmentHeight">The garment image's height.</param>
    /// <param name="pose">The shopper's landmarks, in pixels of their image.</param>
    /// <param name="personMask">The person's mask over the whole shopper image (any resolution), 0-255.</param>
    /// <param name="maskWidth">The mask's width.</param>
    /// <param name="maskHeight">The mask's height.</param>
    public static DressingOutcome Plan(GarmentShape shape, int garmentWidth, int garmentHeight, BodyPose pose, byte[] personMask, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Planned(
            shape.Kind,
            () => shape.Kind == GarmentKind.Bottom ? FitBottom(shape, pose) : FitTop(shape, pose),
            "The garment's shape could not be fitted to the shopper's body. Use a flat-lay photo of the garment alone, front up, and a photo facing the camera.",
            garmentWidth, garmentHeight, pose, personMask, maskWidth, maskHeight);
    }

    /// <summary>
    /// The layout of a garment worn by a model (an <c>on_model</c> product photo) put on the shopper body to body: the
    /// torso's frame (shoulders, torso axis and length) of one mapped onto the other's by a thin-plate spline, each
    /// sleeve or leg along its limb, the garment keeping its place on the body (a top ending at the hips ends at the
    /// shopper's hips).
    /// </summary>
    public static DressingOutcome PlanWorn(WornGarment garment, BodyPose pose, byte[] personMask, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(garment);
        return Planned(
            garment.Kind,
            () => FitWorn(garment, pose),
            "The model's pose in the product photo could not be fitted to the shopper's. Use a product photo with the model facing the camera.",
            garment.Width, garment.Height, pose, personMask, maskWidth, maskHeight);
    }

    /// <summary>The checks every plan makes of the shopper's pose, then the fit, then its layout.</summary>
    private static DressingOutcome Planned(
        GarmentKind kind, Func<Fit> fitting, string noFit, int garmentWidth, int garmentHeight, BodyPose pose, byte[] personMask, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(pose);
        ArgumentNullException.ThrowIfNull(personMask);
        if (pose.ProblemFor(kind) is { } problem)
        {
            return new DressingOutcome(null, problem.Reason, problem.Message);
        }

        // The model places hips and knees even below a bust's edge: bottoms need the person's mask on the thighs.
        if (kind == GarmentKind.Bottom && !ThighsOnPerson(pose, personMask, maskWidth, maskHeight))
        {
            return new DressingOutcome(null, "hips_not_visible", "The shopper's hips and legs are not in the photo. Ask for a full-length photo for bottoms.");
        }

        Fit fit;
        try
        {
            fit = fitting();
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // Keypoints that coincide or line up (a garment read as a sliver, a pose folded on itself): no warp exists.
            return new DressingOutcome(null, "no_fit", noFit);
        }

        return Layout(fit, kind, garmentWidth, garmentHeight, pose, personMask, maskWidth, maskHeight);
    }

    /// <summary>The grids and masks of a fit over the region it covers (<see cref="DressingLayout"/>).</summary>
    private static DressingOutcome Layout(Fit fit, GarmentKind kind, int garmentWidth, int garmentHeight, BodyPose pose, byte[] personMask, int maskWidth, int maskHeight)
    {
        var region = RegionOf(fit, pose);
        if (region.Width < 8 || region.Height < 8)
        {
            return new DressingOutcome(null, "garment_outside_photo", "The garment would fall outside the photo. Ask for a photo that shows the body the garment is worn on.");
        }

        var gridWidth = (region.Width + GridStep - 1) / GridStep;
        var gridHeight = (region.Height + GridStep - 1) / GridStep;
        var nodes = gridWidth * gridHeight;
        var grids = new float[DressingLayout.Parts * nodes * 2];
        var masks = new float[2 * nodes];
        var person = new float[nodes];
        var scale = pose.ShoulderWidth;
        var keepOut = new KeepOut(pose);
        for (var row = 0; row < gridHeight; row++)
        {
            for (var column = 0; column < gridWidth; column++)
            {
                var node = (row * gridWidth) + column;
                var point = new Vector2(
                    region.Left + ((column + 0.5f) * region.Width / gridWidth) - 0.5f,
                    region.Top + ((row + 0.5f) * region.Height / gridHeight) - 0.5f);
                Write(grids, Panel, node, fit.Panel.Map(point));
                Write(grids, LeftLimb, node, fit.Left?.Map(point));
                Write(grids, RightLimb, node, fit.Right?.Map(point));
                person[node] = Sample(personMask, maskWidth, maskHeight, point.X / pose.ImageWidth, point.Y / pose.ImageHeight);
                var arms = ArmCover(pose, point, scale) * person[node];
                masks[node] = kind == GarmentKind.Bottom ? 0f : arms;
                masks[nodes + node] = (1f - keepOut.At(point)) * (kind == GarmentKind.Bottom ? 1f - arms : 1f);
            }
        }

        // Where garment may go: the person grown by the garment's allowance (a loose fit, a flared skirt) ...
        var allowance = Dilate(person, gridWidth, gridHeight, (int)MathF.Ceiling(fit.Allowance * gridWidth / region.Width));
        for (var node = 0; node < nodes; node++)
        {
            masks[nodes + node] *= allowance[node];
        }

        return new DressingOutcome(new DressingLayout(region, gridWidth, gridHeight, grids, masks), null, null);

        void Write(float[] target, int part, int node, Vector2? garment)
        {
            var offset = ((part * nodes) + node) * 2;
            if (garment is not { } g || float.IsNaN(g.X))
            {
                target[offset] = target[offset + 1] = Nowhere;
                return;
            }

            // GridSample with align_corners=0: pixel centre u sits at (2u + 1) / size - 1.
            target[offset] = (((2 * g.X) + 1) / garmentWidth) - 1;
            target[offset + 1] = (((2 * g.Y) + 1) / garmentHeight) - 1;
        }
    }

    private static bool ThighsOnPerson(BodyPose pose, byte[] mask, int width, int height) =>
        new[] { (BodyLandmarks.RightHip, BodyLandmarks.RightKnee), (BodyLandmarks.LeftHip, BodyLandmarks.LeftKnee) }.All(leg =>
        {
            var thigh = Vector2.Lerp(pose[leg.Item1], pose[leg.Item2], 0.4f);
            return Sample(mask, width, height, thigh.X / pose.ImageWidth, thigh.Y / pose.ImageHeight) >= 0.5f;
        });

    /// <summary>The maps of one fit, the body points they pass through, and how far past the person the garment may go.</summary>
    private sealed record Fit(ThinPlateSpline Panel, LimbMap? Left, LimbMap? Right, IReadOnlyList<Vector2> BodyPoints, float Allowance);

    private static Fit FitTop(GarmentShape shape, BodyPose pose)
    {
        var s = pose.ShoulderWidth;

        // Sleeves hang from seams at the shoulders: the seams' span sets the scale. A sleeveless garment's straps sit
        // anywhere between neck and shoulder, so its width at the armpits is matched to the chest's instead.
        var sleeved = shape.LeftLimb is not null || shape.RightLimb is not null;
        var scale = sleeved
            ? s * ShoulderSeamSpread / shape.Span
            : s * ChestSpread / Vector2.Distance(shape.ArmpitLeft, shape.ArmpitRight);
        var shoulderAcross = Vector2.Normalize(pose.ShoulderRight - pose.ShoulderLeft);
        var shoulderDown = BodyPose.Down(shoulderAcross);
        var down = pose.TorsoDown;
        var across = BodyPose.Across(down);
        var spread = (ShoulderSeamSpread - 1f) / 2f * s;

        // The seams on top of the shoulders: outside the joints and a little above them.
        var seamLeft = pose.ShoulderLeft - (shoulderAcross * spread) - (shoulderDown * (0.06f * s));
        var seamRight = pose.ShoulderRight + (shoulderAcross * spread) - (shoulderDown * (0.06f * s));
        var anchor = (seamLeft + seamRight) / 2;
        var garmentAcross = Vector2.Normalize(shape.ShoulderRight - shape.ShoulderLeft);
        var garmentDown = BodyPose.Down(garmentAcross);

        // A garment point placed on the body by the similarity of the shoulders, hanging along the torso's axis.
        Vector2 Hang(Vector2 garment, Vector2 alongAcross, Vector2 alongDown)
        {
            var offset = garment - shape.Anchor;
            return anchor + (alongAcross * (Vector2.Dot(offset, garmentAcross) * scale)) + (alongDown * (Vector2.Dot(offset, garmentDown) * scale));
        }

        // Let out to the body: a point at a depth below the seams is at least as far from the axis as the body is there.
        var torso = pose.TorsoLength;
        var chestHalf = 0.52f * s;
        var hipHalf = pose.HasHips ? Math.Max(0.45f * s, pose.HipWidth * 0.8f) : chestHalf;
        Vector2 LetOut(Vector2 point)
        {
            var depth = Vector2.Dot(point - anchor, down);
            var t = Math.Clamp((depth - (0.25f * torso)) / (0.75f * torso), 0f, 1f);
            var bodyHalf = ((1 - t) * chestHalf) + (t * hipHalf);
            var side = Vector2.Dot(point - anchor, across);
            var wanted = MathF.Sign(side) * MathF.Max(MathF.Abs(side), bodyHalf * 1.04f);
            return point + (across * (wanted - side));
        }

        var waistLeft = (shape.ArmpitLeft + shape.HemLeft) / 2;
        var waistRight = (shape.ArmpitRight + shape.HemRight) / 2;
        var hemCentre = new Vector2(shape.Neck.X, (shape.HemLeft.Y + shape.HemRight.Y) / 2);
        var pairs = new List<(Vector2 Body, Vector2 Garment)>
        {
            (Hang(shape.Neck, shoulderAcross, shoulderDown), shape.Neck),
            (sleeved ? seamLeft : Hang(shape.ShoulderLeft, shoulderAcross, shoulderDown), shape.ShoulderLeft),
            (sleeved ? seamRight : Hang(shape.ShoulderRight, shoulderAcross, shoulderDown), shape.ShoulderRight),
            (LetOut(Hang(shape.ArmpitLeft, across, down)), shape.ArmpitLeft),
            (LetOut(Hang(shape.ArmpitRight, across, down)), shape.ArmpitRight),
            (LetOut(Hang(waistLeft, across, down)), waistLeft),
            (LetOut(Hang(waistRight, across, down)), waistRight),
            (LetOut(Hang(shape.HemLeft, across, down)), shape.HemLeft),
            (LetOut(Hang(shape.HemRight, across, down)), shape.HemRight),
            (Hang(hemCentre, across, down), hemCentre),
        };
        var panel = new ThinPlateSpline([.. pairs.Select(pair => pair.Body)], [.. pairs.Select(pair => pair.Garment)]);
        var left = Sleeve(shape.LeftLimb, seamLeft, pairs[3].Body, pose, BodyLandmarks.RightElbow, BodyLandmarks.RightWrist, scale);
        var right = Sleeve(shape.RightLimb, seamRight, pairs[4].Body, pose, BodyLandmarks.LeftElbow, BodyLandmarks.LeftWrist, scale);

        // A dress may flare past the legs below the hips; a top stays close to the body.
        var allowance = (shape.Kind == GarmentKind.Dress ? 0.35f : 0.03f) * s;
        return new Fit(panel, left, right, Points(pairs, left, right), allowance);
    }

    private static Fit FitWorn(WornGarment garment, BodyPose pose)
    {
        var model = garment.Model;

        // The torso's frame in both: across the shoulders' middle in shoulder widths, down the torso in its lengths.
        static Vector2 Frame(BodyPose body, float across, float down)
        {
            var axis = body.TorsoDown;
            return body.ShoulderCentre + (BodyPose.Across(axis) * (across * body.ShoulderWidth / 2)) + (axis * (down * body.TorsoLength));
        }

        var pairs = new List<(Vector2 Body, Vector2 Garment)> { (pose.ShoulderLeft, model.ShoulderLeft), (pose.ShoulderRight, model.ShoulderRight) };
        float[] depths = garment.Kind switch
        {
            GarmentKind.Top => [-0.15f, 0.4f, 0.8f, 1.15f],
            GarmentKind.Dress => [-0.15f, 0.4f, 0.8f, 1.2f, 1.8f, 2.4f],
            _ => [0.7f, 1.0f, 1.4f, 1.9f, 2.5f],
        };
        foreach (var depth in depths)
        {
            foreach (var across in new[] { -1.4f, 0f, 1.4f })
            {
                pairs.Add((Frame(pose, across, depth), Frame(model, across, depth)));
            }
        }

        var panel = new ThinPlateSpline([.. pairs.Select(pair => pair.Body)], [.. pairs.Select(pair => pair.Garment)]);
        LimbMap? left, right;
        if (garment.Kind == GarmentKind.Bottom)
        {
            left = WornLimb(pose, model, BodyLandmarks.RightHip, BodyLandmarks.RightKnee, BodyLandmarks.RightAnkle, 0.9f, 0.55f, hips: true);
            right = WornLimb(pose, model, BodyLandmarks.LeftHip, BodyLandmarks.LeftKnee, BodyLandmarks.LeftAnkle, 0.9f, 0.55f, hips: true);
        }
        else
        {
            left = WornLimb(pose, model, BodyLandmarks.RightShoulder, BodyLandmarks.RightElbow, BodyLandmarks.RightWrist, 0.36f, 0.26f, hips: false);
            right = WornLimb(pose, model, BodyLandmarks.LeftShoulder, BodyLandmarks.LeftElbow, BodyLandmarks.LeftWrist, 0.36f, 0.26f, hips: false);
        }

        var allowance = garment.Kind switch
        {
            GarmentKind.Dress => 0.35f,
            GarmentKind.Bottom => 0.08f,
            _ => 0.03f,
        } * pose.ShoulderWidth;
        return new Fit(panel, left, right, Points(pairs, left, right), allowance);
    }

    /// <summary>
    /// A limb of the shopper onto the same limb of the model: sections at its root, middle joint and end on both, as
    /// wide as the given shares of each body's shoulders (arms) or hips (legs), the top side outward.
    /// </summary>
    private static LimbMap WornLimb(BodyPose pose, BodyPose model, int root, int middle, int end, float rootWidth, float endWidth, bool hips)
    {
        LimbSection[] Sections(BodyPose body)
        {
            var unit = hips ? body.HipWidth : body.ShoulderWidth;
            var centre = hips ? body.HipCentre : body.ShoulderCentre;
            var upper = Vector2.Normalize(body[middle] - body[root]);
            var lower = Vector2.Normalize(body[end] - body[middle]);
            var outward = Perpendicular(upper);
            var side = Vector2.Dot(outward, body[root] - centre) >= 0 ? 1f : -1f;
            var beyond = body[end] + ((body[end] - body[middle]) * 0.15f);
            LimbSection At(Vector2 point, Vector2 normal, float width) => new(point + (normal * (side * width / 2)), point - (normal * (side * width / 2)));
            return
            [
                At(body[root], Perpendicular(upper), rootWidth * unit),
                At(body[middle], Vector2.Normalize(Perpendicular(upper) + Perpendicular(lower)), (rootWidth + endWidth) / 2 * unit),
                At(beyond, Perpendicular(lower), endWidth * unit),
            ];
        }

        return new LimbMap(Sections(pose), Sections(model));
    }

    private static LimbMap? Sleeve(GarmentLimb? limb, Vector2 seam, Vector2 armpit, BodyPose pose, int elbow, int wrist, float scale)
    {
        if (limb is null)
        {
            return null;
        }

        // The sleeve's root on the body is the armhole, seam to armpit, where the panel's spline puts them; it hangs
        // along the arm from there, at least as wide as an arm.
        var forearm = pose[wrist] - pose[elbow];
        return Strip(limb, new LimbSection(seam, armpit), [pose[elbow], pose[wrist], pose[wrist] + forearm], scale, 0.3f * pose.ShoulderWidth);
    }

    /// <summary>
    /// The strip of sections a garment limb takes on the body: from <paramref name="root"/> along the joints, for the
    /// limb's length times <paramref name="scale"/> (past the last joint in its direction when longer), a section at
    /// each joint it passes, square to the bend, its width going from the root's to the opening's.
    /// </summary>
    private static LimbMap Strip(GarmentLimb limb, LimbSection root, IReadOnlyList<Vector2> joints, float scale, float minWidth)
    {
        var length = limb.Length * scale;
        var path = new List<Vector2> { root.Centre };
        path.AddRange(joints.Where(joint => Vector2.Distance(joint, root.Centre) > 1f));
        if (path.Count < 2)
        {
            path.Add(root.Centre + (BodyPose.Down(root.Top - root.Bottom) * length));
        }

        // Which side of the path the root's top is on: every section keeps it there.
        var first = Vector2.Normalize(path[1] - path[0]);
        var side = Vector2.Dot(root.Top - root.Bottom, Perpendicular(first)) >= 0 ? 1f : -1f;
        var endWidth = MathF.Max(limb.Opening.Width * scale, minWidth);
        var body = new List<LimbSection> { root };
        var garment = new List<LimbSection> { limb.Root };
        var walked = 0f;
        for (var i = 1; i < path.Count; i++)
        {
            var direction = Vector2.Normalize(path[i] - path[i - 1]);
            var segment = Vector2.Distance(path[i - 1], path[i]);
            if (walked + segment >= length || i == path.Count - 1)
            {
                var end = path[i - 1] + (direction * (length - walked));
                var across = Perpendicular(direction) * (side * endWidth / 2);
                body.Add(new LimbSection(end + across, end - across));
                garment.Add(limb.Opening);
                break;
            }

            walked += segment;
            var fraction = walked / length;
            var next = Vector2.Normalize(path[i + 1] - path[i]);
            var normal = Vector2.Normalize(Perpendicular(direction) + Perpendicular(next)) * side;
            var width = ((1 - fraction) * root.Width) + (fraction * endWidth);
            body.Add(new LimbSection(path[i] + (normal * (width / 2)), path[i] - (normal * (width / 2))));
            garment.Add(LimbSection.Lerp(limb.Root, limb.Opening, fraction));
        }

        return new LimbMap(body, garment);
    }

    private static Vector2 Perpendicular(Vector2 direction) => new(-direction.Y, direction.X);

    private static Fit FitBottom(GarmentShape shape, BodyPose pose)
    {
        var hips = pose.HipWidth;
        var scale = hips * WaistbandSpread / shape.Span;
        var down = pose.TorsoDown;
        var across = BodyPose.Across(down);

        // The waistband sits above the hip joints, by a fifth of the torso.
        var waist = pose.HipCentre - (down * (0.2f * pose.TorsoLength));
        var garmentAcross = Vector2.Normalize(shape.ShoulderRight - shape.ShoulderLeft);
        var garmentDown = BodyPose.Down(garmentAcross);
        Vector2 Hang(Vector2 garment)
        {
            var offset = garment - shape.Anchor;
            return waist + (across * (Vector2.Dot(offset, garmentAcross) * scale)) + (down * (Vector2.Dot(offset, garmentDown) * scale));
        }

        var hipHalf = hips * 0.85f;
        Vector2 LetOut(Vector2 point)
        {
            var side = Vector2.Dot(point - waist, across);
            var wanted = MathF.Sign(side) * MathF.Max(MathF.Abs(side), hipHalf * 1.04f);
            return point + (across * (wanted - side));
        }

        var pairs = new List<(Vector2 Body, Vector2 Garment)>
        {
            (Hang(shape.ShoulderLeft), shape.ShoulderLeft),
            (Hang(shape.ShoulderRight), shape.ShoulderRight),
            (Hang(shape.Neck), shape.Neck),
            (LetOut(Hang(shape.ArmpitLeft)), shape.ArmpitLeft),
            (LetOut(Hang(shape.ArmpitRight)), shape.ArmpitRight),
        };
        LimbMap? left = null, right = null;
        if (shape.Crotch is { } crotch && shape.LeftLimb is { } legLeft && shape.RightLimb is { } legRight)
        {
            pairs.Add((Hang(crotch), crotch));
            left = Leg(legLeft, pose, BodyLandmarks.RightHip, BodyLandmarks.RightKnee, BodyLandmarks.RightAnkle, scale);
            right = Leg(legRight, pose, BodyLandmarks.LeftHip, BodyLandmarks.LeftKnee, BodyLandmarks.LeftAnkle, scale);
        }
        else
        {
            pairs.Add((LetOut(Hang(shape.HemLeft)), shape.HemLeft));
            pairs.Add((LetOut(Hang(shape.HemRight)), shape.HemRight));
            var hemCentre = new Vector2(shape.Neck.X, (shape.HemLeft.Y + shape.HemRight.Y) / 2);
            pairs.Add((Hang(hemCentre), hemCentre));
        }

        var panel = new ThinPlateSpline([.. pairs.Select(pair => pair.Body)], [.. pairs.Select(pair => pair.Garment)]);
        var allowance = (shape.Crotch is null ? 0.3f : 0.08f) * pose.ShoulderWidth;
        return new Fit(panel, left, right, Points(pairs, left, right), allowance);
    }

    /// <summary>A trouser leg from the hip joint down the thigh and shin, its top as wide as the garment's, outer side out.</summary>
    private static LimbMap Leg(GarmentLimb limb, BodyPose pose, int hip, int knee, int ankle, float scale)
    {
        var thigh = Vector2.Normalize(pose[knee] - pose[hip]);
        var outward = Perpendicular(thigh);
        if (Vector2.Dot(outward, pose[hip] - pose.HipCentre) < 0)
        {
            outward = -outward;
        }

        var half = outward * (limb.Root.Width * scale / 2);
        var shin = pose[ankle] - pose[knee];
        return Strip(limb, new LimbSection(pose[hip] + half, pose[hip] - half), [pose[knee], pose[ankle], pose[ankle] + shin], scale, 0f);
    }

    private static List<Vector2> Points(List<(Vector2 Body, Vector2 Garment)> pairs, LimbMap? left, LimbMap? right)
    {
        var points = pairs.Select(pair => pair.Body).ToList();
        foreach (var limb in new[] { left, right })
        {
            foreach (var section in limb?.Sections ?? [])
            {
                points.Add(section.Top);
                points.Add(section.Bottom);
            }
        }

        return points;
    }

    /// <summary>The box around every body point of the fit, grown by a third of the shoulders, inside the image.</summary>
    private static ImageRegion RegionOf(Fit fit, BodyPose pose)
    {
        var margin = (0.35f * pose.ShoulderWidth) + fit.Allowance;
        var left = Math.Max(0, (int)MathF.Floor(fit.BodyPoints.Min(point => point.X) - margin));
        var top = Math.Max(0, (int)MathF.Floor(fit.BodyPoints.Min(point => point.Y) - margin));
        var right = Math.Min(pose.ImageWidth, (int)MathF.Ceiling(fit.BodyPoints.Max(point => point.X) + margin));
        var bottom = Math.Min(pose.ImageHeight, (int)MathF.Ceiling(fit.BodyPoints.Max(point => point.Y) + margin));
        return new ImageRegion(left, top, Math.Max(0, right - left), Math.Max(0, bottom - top));
    }

    /// <summary>How much an arm (shoulder to wrist, and the hand) covers the point: 1 inside, falling to 0 over its soft edge.</summary>
    private static float ArmCover(BodyPose pose, Vector2 point, float s)
    {
        var cover = 0f;
        foreach (var (shoulder, elbow, wrist, index) in new[]
        {
            (BodyLandmarks.RightShoulder, BodyLandmarks.RightElbow, BodyLandmarks.RightWrist, 20),
            (BodyLandmarks.LeftShoulder, BodyLandmarks.LeftElbow, BodyLandmarks.LeftWrist, 19),
        })
        {
            // The upper arm starts a little out from the joint: the shoulder's own cap belongs to the garment's panel.
            // An arm the model sees as hidden (behind the back) is not laid over the garment.
            var start = pose[shoulder] + ((pose[elbow] - pose[shoulder]) * 0.25f);
            if (pose.Landmark(elbow).Visibility >= BodyPose.MinPresence)
            {
                cover = MathF.Max(cover, Capsule(point, start, pose[elbow], 0.15f * s, 0.03f * s));
            }

            if (pose.Landmark(wrist).Visibility >= BodyPose.MinPresence)
            {
                cover = MathF.Max(cover, Capsule(point, pose[elbow], pose[wrist], 0.12f * s, 0.03f * s));
                cover = MathF.Max(cover, Capsule(point, pose[wrist], pose[index], 0.12f * s, 0.03f * s));
            }
        }

        return cover;
    }

    /// <summary>
    /// What a garment must never cover, placed once per plan: the head (from the face's landmarks), the neck below it
    /// down to the collar, and the hands.
    /// </summary>
    private sealed class KeepOut
    {
        private readonly Vector2 _face;
        private readonly float _radius;
        private readonly Vector2 _chin;
        private readonly Vector2 _collar;
        private readonly (Vector2 Wrist, Vector2 Fingers)[] _hands;
        private readonly float _scale;

        public KeepOut(BodyPose pose)
        {
            _scale = pose.ShoulderWidth;
            _face = Enumerable.Range(0, 11).Aggregate(Vector2.Zero, (sum, index) => sum + pose[index]) / 11;
            var ears = Vector2.Distance(pose[BodyLandmarks.LeftEar], pose[BodyLandmarks.RightEar]);
            _radius = MathF.Max(ears * 0.7f, 0.22f * _scale);
            var mouth = (pose[9] + pose[10]) / 2;
            _chin = mouth + ((mouth - _face) * 1.1f);
            _collar = pose.ShoulderCentre - (BodyPose.Down(pose.ShoulderRight - pose.ShoulderLeft) * (0.1f * _scale));
            _hands = [(pose[BodyLandmarks.RightWrist], (pose[18] + pose[20]) / 2), (pose[BodyLandmarks.LeftWrist], (pose[17] + pose[19]) / 2)];
        }

        /// <summary>How much the point belongs to them: 1 inside, falling to 0 over a soft edge.</summary>
        public float At(Vector2 point)
        {
            var feather = 0.03f * _scale;
            var head = MathF.Max(Ellipse(point, _face, _radius, _radius * 1.35f, feather), Capsule(point, _face, _chin, _radius * 0.75f, feather));
            var neck = Capsule(point, _chin, _collar, 0.17f * _scale, feather);
            var hands = MathF.Max(
                Capsule(point, _hands[0].Wrist, _hands[0].Fingers, 0.1f * _scale, 0.02f * _scale),
                Capsule(point, _hands[1].Wrist, _hands[1].Fingers, 0.1f * _scale, 0.02f * _scale));
            return MathF.Max(MathF.Max(head, neck), hands);
        }
    }

    private static float Capsule(Vector2 point, Vector2 a, Vector2 b, float radius, float feather) =>
        Math.Clamp(((radius - SegmentDistance(point, a, b)) / feather) + 0.5f, 0f, 1f);

    /// <summary>How far <paramref name="point"/> is from the segment from <paramref name="a"/> to <paramref name="b"/>.</summary>
    internal static float SegmentDistance(Vector2 point, Vector2 a, Vector2 b)
    {
        var ab = b - a;
        var t = ab.LengthSquared() < 1e-6f ? 0f : Math.Clamp(Vector2.Dot(point - a, ab) / ab.LengthSquared(), 0f, 1f);
        return Vector2.Distance(point, a + (ab * t));
    }

    private static float Ellipse(Vector2 point, Vector2 centre, float rx, float ry, float feather)
    {
        var d = point - centre;
        var r = MathF.Sqrt((d.X * d.X / (rx * rx)) + (d.Y * d.Y / (ry * ry)));
        return Math.Clamp(((1 - r) * MathF.Min(rx, ry) / feather) + 0.5f, 0f, 1f);
    }

    /// <summary>Bilinear sample of an 8-bit mask at fractions of its size, as [0, 1].</summary>
    private static float Sample(byte[] mask, int width, int height, float fx, float fy)
    {
        var x = (fx * width) - 0.5f;
        var y = (fy * height) - 0.5f;
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        var ax = x - x0;
        var ay = y - y0;
        float At(int column, int row) =>
            column < 0 || row < 0 || column >= width || row >= height ? 0f : mask[(row * width) + column] / 255f;
        return ((1 - ay) * (((1 - ax) * At(x0, y0)) + (ax * At(x0 + 1, y0)))) + (ay * (((1 - ax) * At(x0, y0 + 1)) + (ax * At(x0 + 1, y0 + 1))));
    }

    /// <summary>The largest value within <paramref name="radius"/> nodes (a square): along the rows, then the columns.</summary>
    private static float[] Dilate(float[] values, int width, int height, int radius) =>
        radius <= 0 ? values : MaxAlong(MaxAlong(values, width, height, radius, 1, width), width, height, radius, width, 1);

    /// <summary>
    /// Each node's largest value within <paramref name="radius"/> steps of <paramref name="step"/> along its line
    /// (lines <paramref name="lineStride"/> apart): rows with step 1, columns with step width.
    /// </summary>
    private static float[] MaxAlong(float[] values, int width, int height, int radius, int step, int lineStride)
    {
        var (lines, length) = step == 1 ? (height, width) : (width, height);
        var result = new float[values.Length];
        for (var line = 0; line < lines; line++)
        {
            for (var position = 0; position < length; position++)
            {
                var best = 0f;
                for (var k = Math.Max(0, position - radius); k <= Math.Min(length - 1, position + radius); k++)
                {
                    best = MathF.Max(best, values[(line * lineStride) + (k * step)]);
                }

                result[(line * lineStride) + (position * step)] = best;
            }
        }

        return result;
    }
}
