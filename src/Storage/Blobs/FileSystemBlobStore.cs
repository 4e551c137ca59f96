using TryOn.Contracts.Storage;
namespace TryOn.Storage.Blobs;

/// <summary>
/// The embedded blob store: one file per blob under <c>&lt;DataDirectory&gt;/blobs</c>. Writes go to a
/// temporary file in the same folder and are renamed into place, so a reader never sees half a blob. Folders are
/// created 0700 and files 0600 (<see cref="PrivateFiles"/>).
/// </summary>
internal sealed class FileSystemBlobStore(string root) : IBlobStore
{
    private const string TemporarySuffix = ".partial";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + TemporarySuffix;
        try
        {
            await using (var file = new FileStream(temporary, PrivateFiles.CreateOptions(FileMode.CreateNew, FileAccess.Write, 81920, FileOptions.Asynchronous)))
            {
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Blobs are never changed in place (a write renames a new file over the old one, a delete unlinks it), so a
    /// second hard link to the same file is as good as a copy and moves no bytes. Where links are not possible (other
    /// systems, another file system) the file system copies the file instead.
    /// </summary>
    public Task<bool> CopyAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        var from = PathOf(source);
        var path = PathOf(destination);
        if (!File.Exists(from))
        {
            return Task.FromResult(false);
        }

        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + TemporarySuffix;
        try
        {
            if (!HardLink.TryCreate(from, temporary))
            {
                File.Copy(from, temporary);
                PrivateFiles.Restrict(temporary);
                using var file = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            return Task.FromResult(true);
        }
        catch (FileNotFoundException) when (!File.Exists(from))
        {
            // Deleted in between.
            return Task.FromResult(false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string key)
    {
        BlobKey.ThrowIfInvalid(key);
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
