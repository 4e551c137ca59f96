using System.Numerics;

namespace TryOn.Vision.Dressing;

/// <summary>What a garment is worn as: on the upper body, on the upper body reaching down the legs, or on the legs.</summary>
public enum GarmentKind
{
    Top = 0,
    Dress = 1,
    Bottom = 2,
}

/// <summary>The product categories each garment kind serves (docs/products.md: tops, outerwear, dresses, bottoms).</summary>
public static class GarmentKinds
{
    public static GarmentKind? Of(string category) => category switch
    {
        "tops" or "outerwear" => GarmentKind.Top,
        "dresses" => GarmentKind.Dress,
        "bottoms" => GarmentKind.Bottom,
        _ => null,
    };
}

/// <summary>
/// A sleeve or a trouser leg in the garment image: the section where it leaves the body panel (a sleeve's seam, from
/// the shoulder point to the armpit; a leg's top, from its outer edge to the middle) and the section of its opening,
/// each with its top (shoulder, or outer) side first.
/// </summary>
public sealed record GarmentLimb(LimbSection Root, LimbSection Opening)
{
    public float Length => Vector2.Distance(Root.Centre, Opening.Centre);
}

/// <summary>Which part of the garment a pixel of its image belongs to.</summary>
public enum GarmentPart : byte
{
    None = 0,
    Panel = 1,

    /// <summary>The sleeve or leg on the image's left.</summary>
    LeftLimb = 2,
    RightLimb = 3,
}

/// <summary>
/// The keypoints of a garment laid flat, found on its mask's outline, in pixels of the garment image, and each pixel's
/// part. Left and right are the image's: a garment photographed front up has its image-left sleeve on the image-left
/// arm of a shopper facing the camera. Tops and dresses: neckline centre, shoulder points, armpits, hem corners and the
/// sleeves. Bottoms: waistband corners, crotch, hem corners of the outer edges and the legs (none for a skirt).
/// </summary>
public sealed record GarmentShape(
    GarmentKind Kind,
    Vector2 Neck,
    Vector2 ShoulderLeft,
    Vector2 ShoulderRight,
    Vector2 ArmpitLeft,
    Vector2 ArmpitRight,
    Vector2 HemLeft,
    Vector2 HemRight,
    Vector2? Crotch,
    GarmentLimb? LeftLimb,
    GarmentLimb? RightLimb,
    GarmentPart[] Parts)
{
    /// <summary>The width the garment is scaled by: shoulder point to shoulder point, or waistband corner to corner.</summary>
    public float Span => Vector2.Distance(ShoulderLeft, ShoulderRight);

    /// <summary>The middle of the shoulders (of the waistband for bottoms), where the garment is anchored on the body.</summary>
    public Vector2 Anchor => (ShoulderLeft + ShoulderRight) / 2;
}

/// <summary>The shape of a garment, or why it could not be read.</summary>
public sealed record GarmentReading(GarmentShape? Shape, string? Problem);

/// <summary>Finds a garment's keypoints and parts on its mask (<see cref="GarmentShape"/>).</summary>
public static class GarmentShapes
{
    /// <summary>Rows a side edge must keep turning over to count as the armpit's corner.</summary>
    private const int CornerRows = 4;

    public static GarmentReading Read(GarmentMask mask, GarmentKind kind)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var outline = Outline.Of(mask);
        if (outline is null || outline.Height < mask.Height / 8 || outline.MaxWidth < mask.Width / 8)
        {
            return new GarmentReading(null, "no garment was found in the product image (it needs the garment alone on a plain, light background)");
        }

        return kind == GarmentKind.Bottom ? ReadBottom(mask, outline) : ReadTop(mask, outline, kind);
    }

    private static GarmentReading ReadTop(GarmentMask mask, Outline outline, GarmentKind kind)
    {
        var h = outline.Height;
        var centre = outline.Centre;

        // The torso's side is followed up from its narrowest row (a top's waist, low on it; a dress's waist, high on it)
        // until it leaves the line it kept below: out along a sleeve's underside, or in along a sleeveless armhole.
        // That corner is the armpit.
        var (from, to) = kind == GarmentKind.Dress ? (0.2f, 0.5f) : (0.4f, 0.75f);
        var start = outline.NarrowestRow(outline.Top + (int)(to * h), outline.Top + (int)(from * h), centre);
        if (outline.RunAt(start, centre) is not { } startRun)
        {
            return new GarmentReading(null, "the garment's body could not be found in the product image");
        }

        var tolerance = Math.Max(3f, 0.03f * (startRun.Right - startRun.Left));
        var armpitLeftRow = ArmpitRow(outline, start, centre, h, tolerance, left: true);
        var armpitRightRow = ArmpitRow(outline, start, centre, h, tolerance, left: false);
        if (armpitLeftRow is null || armpitRightRow is null)
        {
            return new GarmentReading(null, "the garment's armpits could not be found (is it laid flat, front up, sleeves apart from the body?)");
        }

        if (outline.RunAt(armpitLeftRow.Value, centre) is not { } leftRun || outline.RunAt(armpitRightRow.Value, centre) is not { } rightRun)
        {
            return new GarmentReading(null, "the garment's armpits could not be found (is it laid flat, front up, sleeves apart from the body?)");
        }

        var armpitLeft = new Vector2(leftRun.Left, armpitLeftRow.Value);
        var armpitRight = new Vector2(rightRun.Right, armpitRightRow.Value);
        var bodyWidth = armpitRight.X - armpitLeft.X;
        if (bodyWidth < (startRun.Right - startRun.Left) * 0.6f)
        {
            return new GarmentReading(null, "the garment's outline does not look like a top or a dress");
        }

        var shoulderLeft = Shoulder(outline, armpitLeft, inward: 1, bodyWidth, centre);
        var shoulderRight = Shoulder(outline, armpitRight, inward: -1, bodyWidth, centre);
        if (shoulderLeft is null || shoulderRight is null)
        {
            return new GarmentReading(null, "the garment's shoulders could not be found");
        }

        var neck = new Vector2(centre, outline.TopAt(centre) ?? outline.Top);
        var hemRow = outline.Bottom - Math.Max(1, 3 * h / 100);
        var hem = outline.RunAt(hemRow, centre) ?? outline.Widest(hemRow);
        var parts = new GarmentPart[mask.Values.Length];
        var left = Sleeve(mask, outline, parts, shoulderLeft.Value, armpitLeft, centre, GarmentPart.LeftLimb);
        var right = Sleeve(mask, outline, parts, shoulderRight.Value, armpitRight, centre, GarmentPart.RightLimb);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == GarmentPart.None && mask.Values[i] > 0f)
            {
                parts[i] = GarmentPart.Panel;
            }
        }

        return new GarmentReading(
            new GarmentShape(kind, neck, shoulderLeft.Value, shoulderRight.Value, armpitLeft, armpitRight,
                new Vector2(hem.Left, hemRow), new Vector2(hem.Right, hemRow), null, left, right, parts),
            null);
    }

    /// <summary>
    /// The row of the armpit's corner on one side: going up from <paramref name="start"/>, the side edge is followed
    /// along the line it keeps over the first rows (a twentieth of the garment's height); the corner is the last row
    /// before it leaves that line by more than <paramref name="tolerance"/> for <see cref="CornerRows"/> rows in a row.
    /// </summary>
    private static int? ArmpitRow(Outline outline, int start, int centre, int height, float tolerance, bool left)
    {
        if (outline.RunAt(start, centre) is not { } startRun)
        {
            return null;
        }

        var origin = Edge(startRun);
        var span = Math.Max(4, height / 20);
        if (outline.RunAt(start - span, centre) is not { } upper)
        {
            return null;
        }

        var slope = (Edge(upper) - origin) / (float)span;
        var away = 0;
        for (var y = start - 1; y > outline.Top; y--)
        {
            if (outline.RunAt(y, centre) is not { } run)
            {
                // The run split (a sleeveless neckline, straps): the corner is below.
                return y + 1 + away;
            }

            var expected = origin + (slope * (start - y));
            away = MathF.Abs(Edge(run) - expected) > tolerance ? away + 1 : 0;
            if (away >= CornerRows)
            {
                return y + CornerRows;
            }
        }

        return null;

        int Edge((int Left, int Right) run) => left ? run.Left : run.Right;
    }

    /// <summary>
    /// The shoulder point above an armpit: where a sleeve covers the armpit's column high above it, the outline's top
    /// there, a little inward (the seam's top); otherwise (sleeveless) the highest point of the outline between the
    /// armpit and the neckline, the strap's top.
    /// </summary>
    private static Vector2? Shoulder(Outline outline, Vector2 armpit, int inward, float bodyWidth, int centre)
    {
        var x = (int)MathF.Round(armpit.X + (inward * 0.04f * bodyWidth));
        if (outline.TopAt(x) is { } top && armpit.Y - top >= 0.3f * bodyWidth)
        {
            return new Vector2(x, top);
        }

        Vector2? highest = null;
        var neck = 0.1f * bodyWidth;
        for (; (centre - x) * inward > neck; x += inward)
        {
            if (outline.TopAt(x) is { } y && armpit.Y - y >= 0.12f * bodyWidth && (highest is null || y < highest.Value.Y))
            {
                highest = new Vector2(x, y);
            }
        }

        return highest;
    }

    /// <summary>
    /// Marks the sleeve on one side (the covered pixels outside the line from shoulder to armpit above the armpit, and
    /// those left of the torso's run below it) and reads its root, opening and width; null when it has hardly any.
    /// </summary>
    private static GarmentLimb? Sleeve(GarmentMask mask, Outline outline, GarmentPart[] parts, Vector2 shoulder, Vector2 armpit, int centre, GarmentPart part)
    {
        var outward = part == GarmentPart.LeftLimb ? -1 : 1;
        var seam = armpit - shoulder;
        var pixels = new List<int>();
        for (var y = outline.Top; y <= outline.Bottom; y++)
        {
            var torso = y > armpit.Y ? outline.RunAt(y, centre) : null;
            for (var x = 0; x < mask.Width; x++)
            {
                var index = (y * mask.Width) + x;
                if (mask.Values[index] <= 0f)
                {
                    continue;
                }

                bool inSleeve;
                if (y <= armpit.Y)
                {
                    // Which side of the seam line: its cross product with the point, signed towards the outside.
                    var cross = (seam.X * (y - shoulder.Y)) - (seam.Y * (x - shoulder.X));
                    inSleeve = cross * -outward > 0 && (x - centre) * outward > 0;
                }
                else
                {
                    inSleeve = torso is { } run ? (outward < 0 ? x < run.Left - 1 : x > run.Right + 1) : (x - centre) * outward > 0;
                }

                if (inSleeve)
                {
                    parts[index] = part;
                    if (mask.Values[index] >= 0.5f)
                    {
                        pixels.Add(index);
                    }
                }
            }
        }

        var root = (shoulder + armpit) / 2;
        var width = Vector2.Distance(shoulder, armpit);

        // A sleeve reaches out past its seam; what lies just outside the seam line (a sleeveless armhole's edge, a
        // strap) is the panel's.
        var outwards = Vector2.Normalize(new Vector2(seam.Y, -seam.X) * outward);
        var beyond = pixels.Count == 0 ? 0f : pixels.Max(index => Vector2.Dot(new Vector2(index % mask.Width, index / mask.Width) - shoulder, outwards));
        if (pixels.Count < width * width * 0.25f || MathF.Abs(beyond) < 0.25f * width)
        {
            Unmark(parts, part);
            return null;
        }

        // The sleeve's direction: from the root to its pixels' centroid (on the middle line of any sleeve cut square).
        // Its opening: the pixels farthest along it; the opening's corners, the extremes of those across it, the one on
        // the shoulder's side first.
        var points = pixels.Select(index => new Vector2(index % mask.Width, index / mask.Width)).ToList();
        var centroid = points.Aggregate(Vector2.Zero, (sum, point) => sum + point) / points.Count;
        if (Vector2.Distance(centroid, root) < 1f)
        {
            return null;
        }

        var axis = Vector2.Normalize(centroid - root);
        var across = new Vector2(-axis.Y, axis.X);
        if (Vector2.Dot(across, shoulder - armpit) < 0)
        {
            across = -across;
        }

        var reach = points.Max(point => Vector2.Dot(point - root, axis));
        var band = reach - MathF.Max(3f, 0.2f * reach);
        var opening = points.Where(point => Vector2.Dot(point - root, axis) >= band).ToList();
        var top = opening.MaxBy(point => Vector2.Dot(point, across));
        var bottom = opening.MinBy(point => Vector2.Dot(point, across));
        var limb = new GarmentLimb(new LimbSection(shoulder, armpit), new LimbSection(top, bottom));
        if (limb.Length < width * 0.15f)
        {
            Unmark(parts, part);
            return null;
        }

        return limb;
    }

    /// <summary>Gives the pixels marked as <paramref name="part"/> back to the panel's pass.</summary>
    private static void Unmark(GarmentPart[] parts, GarmentPart part)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == part)
            {
                parts[i] = GarmentPart.None;
            }
        }
    }

    private static GarmentReading ReadBottom(GarmentMask mask, Outline outline)
    {
        var h = outline.Height;
        var centre = outline.Centre;
        var waistRow = outline.Top + Math.Max(1, h / 100);
        var waist = outline.Widest(waistRow);
        var hemRow = outline.Bottom - Math.Max(1, 3 * h / 100);
        var waistLeft = new Vector2(waist.Left, waistRow);
        var waistRight = new Vector2(waist.Right, waistRow);

        // The crotch: how far down the middle column stays covered from the waistband.
        var crotchRow = waistRow;
        while (crotchRow + 1 <= outline.Bottom && mask.Covers(centre, crotchRow + 1))
        {
            crotchRow++;
        }

        var parts = new GarmentPart[mask.Values.Length];
        if (crotchRow >= outline.Top + (0.85f * h))
        {
            // A skirt: one panel from the waistband to the hem.
            var hem = outline.Widest(hemRow);
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = mask.Values[i] > 0f ? GarmentPart.Panel : GarmentPart.None;
            }

            return new GarmentReading(
                new GarmentShape(GarmentKind.Bottom, (waistLeft + waistRight) / 2, waistLeft, waistRight,
                    new Vector2(waist.Left, crotchRow), new Vector2(waist.Right, crotchRow),
                    new Vector2(hem.Left, hemRow), new Vector2(hem.Right, hemRow), null, null, null, parts),
                null);
        }

        if (crotchRow < waistRow + (0.08f * h))
        {
            return new GarmentReading(null, "the trousers' waistband and crotch could not be found (are they laid flat, front up?)");
        }

        var runs = outline.Runs(hemRow);
        if (runs.Count < 2)
        {
            return new GarmentReading(null, "the trousers' two leg openings could not be found");
        }

        var hip = outline.Widest(crotchRow);
        var crotch = new Vector2(centre, crotchRow);

        // Each leg hangs from the hip joint's height, a little above the crotch, in the middle of the leg.
        var rootRow = waistRow + (int)(0.6f * (crotchRow - waistRow));
        var root = outline.Widest(rootRow);
        var legLeft = Leg(root.Left, centre, runs[0].Left, runs[0].Right, rootRow, hemRow);
        var legRight = Leg(root.Right, centre, runs[^1].Right, runs[^1].Left, rootRow, hemRow);
        for (var i = 0; i < parts.Length; i++)
        {
            if (mask.Values[i] <= 0f)
            {
                continue;
            }

            var y = i / mask.Width;
            var x = i % mask.Width;
            parts[i] = y <= rootRow ? GarmentPart.Panel : x < centre ? GarmentPart.LeftLimb : GarmentPart.RightLimb;
        }

        return new GarmentReading(
            new GarmentShape(GarmentKind.Bottom, (waistLeft + waistRight) / 2, waistLeft, waistRight,
                new Vector2(hip.Left, crotchRow), new Vector2(hip.Right, crotchRow),
                new Vector2(runs[0].Left, hemRow), new Vector2(runs[^1].Right, hemRow), crotch, legLeft, legRight, parts),
            null);

        static GarmentLimb Leg(int outer, int inner, int openingOuter, int openingInner, int rootRow, int hemRow) =>
            new(new LimbSection(new Vector2(outer, rootRow), new Vector2(inner, rootRow)), new LimbSection(new Vector2(openingOuter, hemRow), new Vector2(openingInner, hemRow)));
    }

    /// <summary>The covered runs of each row of a mask, and its top profile.</summary>
    private sealed class Outline
    {
        private readonly List<(int Left, int Right)>[] _runs;
        private readonly int?[] _tops;

        private Outline(List<(int Left, int Right)>[] runs, int?[] tops, int top, int bottom)
        {
            _runs = runs;
            _tops = tops;
            Top = top;
            Bottom = bottom;
            var middle = Enumerable.Range(Top + ((int)(0.5f * Height)), Math.Max(1, (int)(0.4f * Height)))
                .Where(y => _runs[y].Count > 0)
                .Select(y => (_runs[y][0].Left + _runs[y][^1].Right) / 2)
                .Order()
                .ToList();
            Centre = middle.Count > 0 ? middle[middle.Count / 2] : (_runs[Top][0].Left + _runs[Top][^1].Right) / 2;
            MaxWidth = runs.Where(row => row.Count > 0).Max(row => row[^1].Right - row[0].Left + 1);
        }

        public int Top { get; }

        public int Bottom { get; }

        public int Height => Bottom - Top + 1;

        /// <summary>The garment's middle column: the median middle of the rows of its lower half.</summary>
        public int Centre { get; }

        public int MaxWidth { get; }

        public static Outline? Of(GarmentMask mask)
        {
            var runs = new List<(int Left, int Right)>[mask.Height];
            var tops = new int?[mask.Width];
            int? top = null;
            var bottom = 0;
            for (var y = 0; y < mask.Height; y++)
            {
                runs[y] = [];
                var x = 0;
                while (x < mask.Width)
                {
                    if (!mask.Covers(x, y))
                    {
                        x++;
                        continue;
                    }

                    var start = x;
                    while (x < mask.Width && mask.Covers(x, y))
                    {
                        tops[x] ??= y;
                        x++;
                    }

                    // Specks of a pixel or two are not the garment's edge.
                    if (x - start > 2)
                    {
                        runs[y].Add((start, x - 1));
                    }
                }

                if (runs[y].Count > 0)
                {
                    top ??= y;
                    bottom = y;
                }
            }

            return top is null ? null : new Outline(runs, tops, top.Value, bottom);
        }

        public int? TopAt(int x) => x >= 0 && x < _tops.Length ? _tops[x] : null;

        public IReadOnlyList<(int Left, int Right)> Runs(int y) => _runs[y];

        /// <summary>The run of row <paramref name="y"/> that holds column <paramref name="x"/>, or the nearest within a few pixels.</summary>
        public (int Left, int Right)? RunAt(int y, int x)
        {
            if (y < Top || y > Bottom)
            {
                return null;
            }

            const int Slack = 3;
            foreach (var run in _runs[y])
            {
                if (x >= run.Left - Slack && x <= run.Right + Slack)
                {
                    return run;
                }
            }

            return null;
        }

        /// <summary>From the first run's left to the last run's right.</summary>
        public (int Left, int Right) Widest(int y) => _runs[y].Count == 0 ? (0, 0) : (_runs[y][0].Left, _runs[y][^1].Right);

        /// <summary>The row between <paramref name="from"/> and <paramref name="to"/> (either order) with the narrowest run at <paramref name="x"/>; the first found wins ties.</summary>
        public int NarrowestRow(int from, int to, int x)
        {
            var best = from;
            var narrowest = int.MaxValue;
            var step = to >= from ? 1 : -1;
            for (var y = from; y != to + step; y += step)
            {
                if (RunAt(y, x) is { } run && run.Right - run.Left < narrowest)
                {
                    narrowest = run.Right - run.Left;
                    best = y;
                }
            }

            return best;
        }
    }
}
