using System.Globalization;

namespace TryOn.Load;

internal static class ProcessMemory
{
    /// <summary>The peak resident set size of a local process (Linux <c>VmHWM</c>), in MiB.</summary>
    public static long PeakResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes / 1024;
    }
}
