using System.Text;
using TryOn.Contracts.Storage;
using TryOn.Storage.Blobs;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Storage;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private FileSystemBlobStore Store => new(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Written_blob_reads_back_and_an_overwrite_replaces_it()
    {
        await Store.WriteAsync("acct_1/uploads/img_1.jpg", new MemoryStream("first"u8.ToArray()));
        await Store.WriteAsync("acct_1/uploads/img_1.jpg", new MemoryStream("second"u8.ToArray()));

        await using var stream = await Store.OpenReadAsync("acct_1/uploads/img_1.jpg");
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream!, Encoding.UTF8);
        Assert.Equal("second", await reader.ReadToEndAsync());
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Missing_blob_reads_as_null_and_delete_is_idempotent()
    {
        Assert.Null(await Store.OpenReadAsync("acct_1/none"));
        await Store.WriteAsync("acct_1/gone", new MemoryStream([1]));
        Assert.True(await Store.DeleteAsync("acct_1/gone"));
        Assert.False(await Store.DeleteAsync("acct_1/gone"));
        Assert.Null(await Store.OpenReadAsync("acct_1/gone"));
    }

    [Fact]
    public async Task Failed_write_leaves_neither_the_blob_nor_a_temporary_file()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync("acct_1/broken", new FailingStream()));
        Assert.Null(await Store.OpenReadAsync("acct_1/broken"));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("acct_1/../../escape")]
    [InlineData("/absolute")]
    [InlineData("acct_1//double")]
    [InlineData("acct_1/.hidden")]
    [InlineData("acct_1/with space")]
    [InlineData("acct_1\\windows")]
    [InlineData("")]
    public async Task Unsafe_keys_are_refused(string key)
    {
        Assert.False(BlobKey.IsValid(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(key, new MemoryStream([1])));
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream()
            : base(new byte[10])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("the upload was cut off");
    }
}
