namespace TryOn.Storage.Blobs;

/// <summary>
/// Files of the data directory are the service's alone: folders are created 0700 and files 0600, whatever the umask
/// says (shopper photos, keys and the database are nobody else's business on a shared machine). Every writer under
/// the data directory creates through here. On Windows, where these modes do not exist, the folder's inherited ACL
/// applies.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder and any missing parents as 0700; existing ones are left as they are.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; its new parents would get the
        // umask's. So the missing ones are created one by one, outermost first.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, DirectoryMode);
        }
    }

    /// <summary>
    /// Creates the folder 0700, or makes an existing one 0700: a data directory made by an earlier version (or by
    /// hand) is closed before anything is written into it. What is inside cannot be reached through it any more.
    /// </summary>
    public static void CreateOrCloseDirectory(string path)
    {
        CreateDirectory(path);
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != DirectoryMode)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Options of a <see cref="FileStream"/> that creates its file 0600.</summary>
    public static FileStreamOptions CreateOptions(System.IO.FileMode mode, FileAccess access, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var created = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            created.UnixCreateMode = FileMode;
        }

        return created;
    }

    /// <summary>Makes an existing file 0600 (one copied, or made by an earlier version); false when there is none.</summary>
    public static bool Restrict(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != FileMode)
        {
            File.SetUnixFileMode(path, FileMode);
        }

        return true;
    }

    /// <summary>Creates an empty file 0600 unless it exists, and makes an existing one 0600.</summary>
    public static void CreateOrRestrict(string path)
    {
        if (Restrict(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, CreateOptions(System.IO.FileMode.CreateNew, FileAccess.Write));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile by another process; make sure of its mode.
            Restrict(path);
        }
    }
}
