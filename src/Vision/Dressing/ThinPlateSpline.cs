using System.Numerics;

namespace TryOn.Vision.Dressing;

/// <summary>
/// A regularised thin-plate spline from one plane to another: the smoothest map (least bending energy) that takes each
/// source point near its target, affine far from them. <c>f(p) = a + B p + Σ wᵢ U(|p − sᵢ|)</c> with
/// <c>U(r) = r² log r²</c>; the smoothing trades exactness at the points for smoothness (0: exact).
/// Coordinates are scaled to about unit size before solving, so the system is well conditioned at any image size.
/// </summary>
public sealed class ThinPlateSpline
{
    private readonly Vector2[] _sources;
    private readonly double[] _weightsX;
    private readonly double[] _weightsY;
    private readonly Vector2 _origin;
    private readonly float _scale;

    public ThinPlateSpline(IReadOnlyList<Vector2> sources, IReadOnlyList<Vector2> targets, double smoothing = 0.01)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        if (sources.Count != targets.Count || sources.Count < 3)
        {
            throw new ArgumentException("A thin-plate spline needs at least three source points, each with a target.");
        }

        var n = sources.Count;
        _origin = sources.Aggregate(Vector2.Zero, (sum, point) => sum + point) / n;
        _scale = Math.Max(1e-3f, sources.Max(point => Vector2.Distance(point, _origin)));
        _sources = [.. sources.Select(Normalise)];
        var size = n + 3;
        var system = new double[size, size];
        var rightX = new double[size];
        var rightY = new double[size];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                system[i, j] = i == j ? smoothing : Kernel(_sources[i], _sources[j]);
            }

            system[i, n] = system[n, i] = 1;
            system[i, n + 1] = system[n + 1, i] = _sources[i].X;
            system[i, n + 2] = system[n + 2, i] = _sources[i].Y;
            rightX[i] = targets[i].X;
            rightY[i] = targets[i].Y;
        }

        _weightsX = Solve((double[,])system.Clone(), rightX);
        _weightsY = Solve(system, rightY);
    }

    public Vector2 Map(Vector2 point)
    {
        var p = Normalise(point);
        var n = _sources.Length;
        double x = _weightsX[n] + (_weightsX[n + 1] * p.X) + (_weightsX[n + 2] * p.Y);
        double y = _weightsY[n] + (_weightsY[n + 1] * p.X) + (_weightsY[n + 2] * p.Y);
        for (var i = 0; i < n; i++)
        {
            var u = Kernel(p, _sources[i]);
            x += _weightsX[i] * u;
            y += _weightsY[i] * u;
        }

        return new Vector2((float)x, (float)y);
    }

    private Vector2 Normalise(Vector2 point) => (point - _origin) / _scale;

    private static double Kernel(Vector2 a, Vector2 b)
    {
        var r2 = (double)Vector2.DistanceSquared(a, b);
        return r2 < 1e-12 ? 0 : r2 * Math.Log(r2);
    }

    /// <summary>Gaussian elimination with partial pivoting; the system is small (a dozen points).</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(a[pivot, column]) < 1e-12)
            {
                throw new InvalidOperationException("The spline's points are degenerate (all on one line).");
            }

            if (pivot != column)
            {
                for (var k = 0; k < n; k++)
                {
                    (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k]);
                }

                (b[column], b[pivot]) = (b[pivot], b[column]);
            }

            for (var row = column + 1; row < n; row++)
            {
                var factor = a[row, column] / a[column, column];
                if (factor == 0)
                {
                    continue;
                }

                for (var k = column; k < n; k++)
                {
                    a[row, k] -= factor * a[column, k];
                }

                b[row] -= factor * b[column];
            }
        }

        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= a[row, k] * x[k];
            }

            x[row] = sum / a[row, row];
        }

        return x;
    }
}
