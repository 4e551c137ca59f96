using System.Runtime.InteropServices;

namespace TryOn.Storage.Blobs;

/// <summary>POSIX <c>link(2)</c>: a second name for an existing file.</summary>
internal static partial class HardLink
{
    /// <summary>True when <paramref name="link"/> now names the file <paramref name="existing"/> names.</summary>
    public static bool TryCreate(string existing, string link) =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) && Link(existing, link) == 0;

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
