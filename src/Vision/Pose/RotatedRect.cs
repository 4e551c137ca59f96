namespace TryOn.Vision.Pose;

/// <summary>
/// A rectangle of a frame in pixels, turned by <see cref="Rotation"/> radians about its centre (positive turns the
/// rectangle's up direction towards the frame's right), as MediaPipe's <c>NormalizedRect</c> and <c>RotatedRect</c>
/// describe a region of interest.
/// </summary>
public readonly record struct RotatedRect(float CenterX, float CenterY, float Width, float Height, float Rotation)
{
    /// <summary>
    /// The frame pixel at (<paramref name="u"/>, <paramref name="v"/>), given as fractions of the rectangle's width and
    /// height from its top-left corner: the mapping a crop samples with.
    /// </summary>
    public (float X, float Y) ToFrame(float u, float v)
    {
        var localX = (u - 0.5f) * Width;
        var localY = (v - 0.5f) * Height;
        var (sin, cos) = MathF.SinCos(Rotation);
        return (CenterX + (cos * localX) - (sin * localY), CenterY + (sin * localX) + (cos * localY));
    }

    /// <summary>The inverse of <see cref="ToFrame"/>: where a frame pixel falls in the rectangle, as fractions.</summary>
    public (float U, float V) FromFrame(float x, float y)
    {
        var dx = x - CenterX;
        var dy = y - CenterY;
        var (sin, cos) = MathF.SinCos(Rotation);
        return ((((cos * dx) + (sin * dy)) / Width) + 0.5f, ((((-sin) * dx) + (cos * dy)) / Height) + 0.5f);
    }
}
