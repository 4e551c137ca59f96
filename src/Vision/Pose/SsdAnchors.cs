namespace TryOn.Vision.Pose;

/// <summary>
/// The anchor centres the pose detector's 2254 outputs are relative to, generated as MediaPipe's
/// <c>SsdAnchorsCalculator</c> does (mediapipe/calculators/tflite/ssd_anchors_calculator.cc) with the options of
/// mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt: 5 layers, strides 8, 16, 32, 32, 32 over a 224x224
/// input, anchor offsets 0.5, aspect ratio 1.0 plus the interpolated scale (its default, 1.0), fixed anchor size.
/// With a fixed anchor size every anchor is 1 wide and 1 high, so only the centres matter; layers that share a stride
/// share one grid, two anchors per layer in each cell.
/// </summary>
internal static class SsdAnchors
{
    public const int InputSize = 224;
    private static readonly int[] Strides = [8, 16, 32, 32, 32];

    /// <summary>Two anchors per layer and cell: the aspect ratio 1.0 and the interpolated scale.</summary>
    private const int AnchorsPerLayer = 2;

    /// <summary>The centres, as fractions of the input, in the order of the model's outputs.</summary>
    public static NormalizedPoint[] PoseDetector { get; } = Generate();

    private static NormalizedPoint[] Generate()
    {
        var anchors = new List<NormalizedPoint>();
        var layer = 0;
        while (layer < Strides.Length)
        {
            var stride = Strides[layer];
            var sameStride = 0;
            while (layer + sameStride < Strides.Length && Strides[layer + sameStride] == stride)
            {
                sameStride++;
            }

            var cells = (int)Math.Ceiling((double)InputSize / stride);
            for (var y = 0; y < cells; y++)
            {
                for (var x = 0; x < cells; x++)
                {
                    for (var anchor = 0; anchor < sameStride * AnchorsPerLayer; anchor++)
                    {
                        anchors.Add(new NormalizedPoint((x + 0.5f) / cells, (y + 0.5f) / cells));
                    }
                }
            }

            layer += sameStride;
        }

        return [.. anchors];
    }
}
