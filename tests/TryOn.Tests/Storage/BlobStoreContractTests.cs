using System.Text;
using Azure.Storage.Blobs;
using TryOn.Storage.Blobs;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Storage;

/// <summary>Azurite (the Azure Blob Storage emulator) for the class's tests; one container per test.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>What every <see cref="IBlobStore"/> promises, checked on the filesystem store and on Azure Blob Storage.</summary>
public sealed class BlobStoreContractTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Stores => ["filesystem", "azure"];

    public void Dispose() => _directory.Dispose();

    private IBlobStore Store(string kind) => kind == "azure"
        ? new AzureBlobStore(new BlobContainerClient(azurite.Server.ConnectionString, "tryon-" + Guid.NewGuid().ToString("N")))
        : new FileSystemBlobStore(_directory.Path);

    private static async Task<string?> ReadAsync(IBlobStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_written_blob_reads_back_and_a_second_write_replaces_it(string kind)
    {
        var store = Store(kind);
        await store.WriteAsync("acct_1/uploads/img_1.jpg", new MemoryStream("first"u8.ToArray()));
        await store.WriteAsync("acct_1/uploads/img_1.jpg", new MemoryStream("second"u8.ToArray()));
        Assert.Equal("second", await ReadAsync(store, "acct_1/uploads/img_1.jpg"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_missing_blob_reads_as_null_and_delete_is_idempotent(string kind)
    {
        var store = Store(kind);
        Assert.Null(await ReadAsync(store, "acct_1/none"));
        await store.WriteAsync("acct_1/gone", new MemoryStream([1, 2, 3]));
        Assert.True(await store.DeleteAsync("acct_1/gone"));
        Assert.False(await store.DeleteAsync("acct_1/gone"));
        Assert.Null(await ReadAsync(store, "acct_1/gone"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_blobs_size_is_what_was_written_and_a_missing_blob_has_none(string kind)
    {
        var store = Store(kind);
        Assert.Null(await store.GetSizeAsync("acct_1/none"));
        await store.WriteAsync("acct_1/sized", new MemoryStream(new byte[12_345]));
        Assert.Equal(12_345, await store.GetSizeAsync("acct_1/sized"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_copy_is_independent_of_its_source_and_a_missing_source_copies_nothing(string kind)
    {
        var store = Store(kind);
        await store.WriteAsync("acct_1/products/p.png", new MemoryStream("product"u8.ToArray()));
        Assert.True(await store.CopyAsync("acct_1/products/p.png", "acct_1/generations/gen_1/product.png"));

        await store.WriteAsync("acct_1/products/p.png", new MemoryStream("replaced"u8.ToArray()));
        Assert.Equal("product", await ReadAsync(store, "acct_1/generations/gen_1/product.png"));
        Assert.True(await store.DeleteAsync("acct_1/products/p.png"));
        Assert.Equal("product", await ReadAsync(store, "acct_1/generations/gen_1/product.png"));

        Assert.False(await store.CopyAsync("acct_1/products/none.png", "acct_1/generations/gen_2/product.png"));
        Assert.Null(await ReadAsync(store, "acct_1/generations/gen_2/product.png"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_large_blob_keeps_every_byte(string kind)
    {
        var store = Store(kind);
        var bytes = new byte[9 * 1024 * 1024];
        new Random(7).NextBytes(bytes);
        await store.WriteAsync("acct_1/results/big.jpg", new MemoryStream(bytes));

        await using var stream = await store.OpenReadAsync("acct_1/results/big.jpg");
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Keys_that_could_escape_their_namespace_are_refused(string kind)
    {
        var store = Store(kind);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("../escape", new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync("acct_1//double"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync("/absolute"));
    }
}
