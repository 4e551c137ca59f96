using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using TryOn.Pipeline.Images;

namespace TryOn.Grains.Engines;

/// <summary>
/// The optional learned garment cut-out: ISNet (IMG.LY's build, AGPL-3.0, installed by <c>models/install-isnet.sh</c>)
/// gives a soft mask of the salient object of a product photo, which is the garment in a flat-lay. Available only when
/// <see cref="OnnxModels"/> found and loaded the model at start-up. One product image serves many generations and the
/// model takes about two seconds on a 2-core CPU, so the masks of the last few product images are kept, keyed by their
/// SHA-256 (least recently used out first), and an image several generations ask for at once is run once.
/// </summary>
internal sealed class IsnetCutout(OnnxModels models, ImagePipeline pipeline)
{
    /// <summary>ISNet's fixed input side.</summary>
    private const int ModelSide = 1024;

    private const int CachedMasks = 16;

    private readonly GarmentMaskCache _masks = new(CachedMasks);

    public bool IsAvailable => models.Has(OnnxModels.IsnetName);

    /// <summary>
    /// The garment's mask, <paramref name="side"/> x <paramref name="side"/> values in [0, 1], aligned with
    /// <c>ToTensor(productImage, side, side, TensorFit.Contain)</c>; <paramref name="side"/> must divide 1024. Computed
    /// once per product image and side, however many generations ask for it at the same time.
    /// </summary>
    public Task<float[]> GarmentMaskAsync(byte[] productImage, int side, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(productImage);
        if (side <= 0 || ModelSide % side != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(side), side, $"The mask side must divide {ModelSide}.");
        }

        var key = $"{Convert.ToHexString(SHA256.HashData(productImage))}/{side}";
        return _masks.GetOrComputeAsync(key, token => Compute(productImage, side, token), cancellationToken);
    }

    private float[] Compute(byte[] productImage, int side, CancellationToken cancellationToken)
    {
        // Contained at 1024 the image lands where it lands at any side that divides 1024, so the masks line up.
        var tensor = pipeline.ToTensor(productImage, ModelSide, ModelSide, TensorFit.Contain).Value
            ?? throw new InvalidOperationException("The product image could not be turned into the cut-out model's input.");
        var data = tensor.Data;
        for (var i = 0; i < data.Length; i++)
        {
            // ISNet's own normalisation of 0-255 values: (v - 128) / 256.
            data[i] = (data[i] * (255f / 256f)) - 0.5f;
        }

        using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 3, ModelSide, ModelSide]);
        using var outputs = models.Session(OnnxModels.IsnetName).Run(new Dictionary<string, OrtValue> { ["input"] = input }, ["output"], cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Shrink(outputs[0].GetTensorDataAsSpan<float>(), ModelSide / side);
    }

    /// <summary>The mean of each <paramref name="factor"/> x <paramref name="factor"/> block, clipped to [0, 1].</summary>
    private static float[] Shrink(ReadOnlySpan<float> matte, int factor)
    {
        var side = ModelSide / factor;
        var mask = new float[side * side];
        var scale = 1f / (factor * factor);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var sum = 0f;
                for (var dy = 0; dy < factor; dy++)
                {
                    var row = matte.Slice((((y * factor) + dy) * ModelSide) + (x * factor), factor);
                    foreach (var value in row)
                    {
                        sum += value;
                    }
                }

                mask[(y * side) + x] = Math.Clamp(sum * scale, 0f, 1f);
            }
        }

        return mask;
    }
}
