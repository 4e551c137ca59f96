using ImageMagick;
using NetVips;

namespace TryOn.Pipeline.Images;

/// <summary>
/// Process-wide settings of the two native libraries, applied once. libvips may load only JPEG, PNG and WebP
/// (every other loader, GIF, TIFF, SVG, PDF…, is blocked), keeps no operation cache (every request is a new image)
/// and uses one thread per operation because requests already run in parallel. ImageMagick, used only for HEIC,
/// gets hard resource limits so that a hostile header cannot make it allocate.
/// </summary>
internal static class NativeImaging
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    public static void EnsureConfigured(ImagePipelineOptions options)
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            NetVips.NetVips.Concurrency = 1;
            Cache.Max = 0;
            Cache.MaxFiles = 0;
            Cache.MaxMem = 0;
            NetVips.NetVips.BlockUntrusted = true;
            Operation.Block("VipsForeignLoad", true);
            Operation.Block("VipsForeignLoadJpeg", false);
            Operation.Block("VipsForeignLoadPng", false);
            Operation.Block("VipsForeignLoadWebp", false);

            ResourceLimits.Width = (uint)options.MaxSide;
            ResourceLimits.Height = (uint)options.MaxSide;
            ResourceLimits.Area = (ulong)options.MaxPixels;
            ResourceLimits.Thread = 1;
            _configured = true;
        }
    }
}
