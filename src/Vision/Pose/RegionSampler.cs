namespace TryOn.Vision.Pose;

/// <summary>What a crop reads beyond the frame's edges (MediaPipe's <c>BorderMode</c>).</summary>
public enum BorderMode
{
    /// <summary>Black: the value range's minimum.</summary>
    Zero,

    /// <summary>The nearest edge pixel.</summary>
    Replicate,
}

/// <summary>
/// Cuts a rotated region out of a frame into a model's input tensor, as MediaPipe's <c>ImageToTensorCalculator</c>
/// does (mediapipe/calculators/tensor/image_to_tensor_converter_opencv.cc: a perspective warp with bilinear
/// sampling, then the 0–255 range mapped linearly onto the model's range): NHWC float32, RGB.
/// </summary>
internal static class RegionSampler
{
    public static void Sample(
        RgbFrame frame, RotatedRect region, Span<float> tensor, int tensorWidth, int tensorHeight,
        float rangeMin, float rangeMax, BorderMode border)
    {
        if (tensor.Length != tensorWidth * tensorHeight * 3)
        {
            throw new ArgumentException($"Expected a tensor of {tensorWidth * tensorHeight * 3} values.", nameof(tensor));
        }

        var pixels = frame.Pixels.Span;
        var width = frame.Width;
        var height = frame.Height;
        var scale = (rangeMax - rangeMin) / 255f;
        var (sin, cos) = MathF.SinCos(region.Rotation);

        // One step along a tensor row or column, in frame pixels.
        var stepU = region.Width / tensorWidth;
        var stepV = region.Height / tensorHeight;
        var index = 0;
        for (var v = 0; v < tensorHeight; v++)
        {
            var localY = ((v + 0.5f) * stepV) - (region.Height / 2);
            for (var u = 0; u < tensorWidth; u++)
            {
                var localX = ((u + 0.5f) * stepU) - (region.Width / 2);
                // Pixel centres sit at +0.5: the sample point in index space is the frame position minus a half.
                var x = region.CenterX + (cos * localX) - (sin * localY) - 0.5f;
                var y = region.CenterY + (sin * localX) + (cos * localY) - 0.5f;
                Bilinear(pixels, width, height, x, y, border, out var r, out var g, out var b);
                tensor[index++] = (r * scale) + rangeMin;
                tensor[index++] = (g * scale) + rangeMin;
                tensor[index++] = (b * scale) + rangeMin;
            }
        }
    }

    private static void Bilinear(ReadOnlySpan<byte> pixels, int width, int height, float x, float y, BorderMode border, out float r, out float g, out float b)
    {
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        var fx = x - x0;
        var fy = y - y0;
        r = g = b = 0;
        Accumulate(pixels, width, height, x0, y0, (1 - fx) * (1 - fy), border, ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0 + 1, y0, fx * (1 - fy), border, ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0, y0 + 1, (1 - fx) * fy, border, ref r, ref g, ref b);
        Accumulate(pixels, width, height, x0 + 1, y0 + 1, fx * fy, border, ref r, ref g, ref b);
    }

    private static void Accumulate(ReadOnlySpan<byte> pixels, int width, int height, int x, int y, float weight, BorderMode border, ref float r, ref float g, ref float b)
    {
        if (weight == 0)
        {
            return;
        }

        if ((uint)x >= (uint)width || (uint)y >= (uint)height)
        {
            if (border == BorderMode.Zero)
            {
                return;
            }

            x = Math.Clamp(x, 0, width - 1);
            y = Math.Clamp(y, 0, height - 1);
        }

        var offset = ((y * width) + x) * 3;
        r += pixels[offset] * weight;
        g += pixels[offset + 1] * weight;
        b += pixels[offset + 2] * weight;
    }
}
