using System.Numerics;

namespace TryOn.Vision.Dressing;

/// <summary>
/// A cut across a limb or a garment limb: its two edge points, <see cref="Top"/> on the side of the shoulder seam (or
/// a leg's outer side) and <see cref="Bottom"/> on the armpit's (the leg's inner side).
/// </summary>
public readonly record struct LimbSection(Vector2 Top, Vector2 Bottom)
{
    public Vector2 Centre => (Top + Bottom) / 2;

    public float Width => Vector2.Distance(Top, Bottom);

    public static LimbSection Lerp(LimbSection from, LimbSection to, float amount) =>
        new(Vector2.Lerp(from.Top, to.Top, amount), Vector2.Lerp(from.Bottom, to.Bottom, amount));
}

/// <summary>
/// Piecewise-affine map from the pixels around a body limb to a garment's sleeve or leg. Both are strips of sections,
/// the same number on each: the body's at the sleeve's root (seam to armpit), at each joint it passes (square to the
/// bend) and at its opening; the garment's at the same fractions of its length. Each pair of neighbouring sections is
/// two triangles, and a point is mapped by the triangle it falls in (outside the strip, by the nearest triangle,
/// extended), so the sleeve bends at the elbow and its root meets the panel's seam exactly.
/// </summary>
public sealed class LimbMap
{
    private readonly (Vector2 A, Vector2 B, Vector2 C)[] _body;
    private readonly (Vector2 A, Vector2 B, Vector2 C)[] _garment;

    public LimbMap(IReadOnlyList<LimbSection> body, IReadOnlyList<LimbSection> garment)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(garment);
        if (body.Count != garment.Count || body.Count < 2)
        {
            throw new ArgumentException("A limb map needs at least two sections, as many on the body as on the garment.");
        }

        Sections = body;
        var bodyTriangles = new List<(Vector2, Vector2, Vector2)>();
        var garmentTriangles = new List<(Vector2, Vector2, Vector2)>();
        for (var i = 0; i + 1 < body.Count; i++)
        {
            bodyTriangles.Add((body[i].Top, body[i].Bottom, body[i + 1].Bottom));
            bodyTriangles.Add((body[i].Top, body[i + 1].Bottom, body[i + 1].Top));
            garmentTriangles.Add((garment[i].Top, garment[i].Bottom, garment[i + 1].Bottom));
            garmentTriangles.Add((garment[i].Top, garment[i + 1].Bottom, garment[i + 1].Top));
        }

        _body = [.. bodyTriangles];
        _garment = [.. garmentTriangles];
    }

    /// <summary>The body's sections, root first.</summary>
    public IReadOnlyList<LimbSection> Sections { get; }

    /// <summary>The garment pixel that the body pixel <paramref name="point"/> shows.</summary>
    public Vector2 Map(Vector2 point)
    {
        var best = -1;
        var bestScore = float.NegativeInfinity;
        var weights = Vector3.Zero;
        for (var i = 0; i < _body.Length; i++)
        {
            if (Barycentric(point, _body[i]) is not { } candidate)
            {
                continue;
            }

            var score = MathF.Min(candidate.X, MathF.Min(candidate.Y, candidate.Z));
            if (score > bestScore)
            {
                (best, bestScore, weights) = (i, score, candidate);
            }

            if (score >= 0)
            {
                break;
            }
        }

        if (best < 0)
        {
            return new Vector2(float.NaN);
        }

        var (a, b, c) = _garment[best];
        return (a * weights.X) + (b * weights.Y) + (c * weights.Z);
    }

    /// <summary>The point's weights on a triangle's corners (negative outside it); null for a degenerate triangle.</summary>
    private static Vector3? Barycentric(Vector2 point, (Vector2 A, Vector2 B, Vector2 C) triangle)
    {
        var ab = triangle.B - triangle.A;
        var ac = triangle.C - triangle.A;
        var ap = point - triangle.A;
        var determinant = (ab.X * ac.Y) - (ab.Y * ac.X);
        if (MathF.Abs(determinant) < 1e-3f)
        {
            return null;
        }

        var v = ((ap.X * ac.Y) - (ap.Y * ac.X)) / determinant;
        var w = ((ab.X * ap.Y) - (ab.Y * ap.X)) / determinant;
        return new Vector3(1 - v - w, v, w);
    }
}
