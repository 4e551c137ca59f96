using TryOn.Storage.Blobs;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Storage;

/// <summary>Bytes first, then the record; a record that throws or refuses leaves no bytes behind (<see cref="BlobRecords"/>).</summary>
public sealed class BlobRecordsTests : IDisposable
{
    private const string Key = "acct_test/branding/logo-1.png";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileSystemBlobStore Store() => new(_directory.Path);

    [Fact]
    public async Task A_recorded_blob_is_kept()
    {
        var store = Store();

        var answer = await store.WriteThenRecordAsync(Key, [1, 2, 3], () => Task.FromResult("recorded"), recorded: answer => answer == "recorded");

        Assert.Equal("recorded", answer);
        Assert.Equal(3, await store.GetSizeAsync(Key));
    }

    [Fact]
    public async Task A_blob_whose_record_refuses_is_deleted_and_the_answer_returned()
    {
        var store = Store();

        var answer = await store.WriteThenRecordAsync(Key, [1, 2, 3], () => Task.FromResult<string?>(null), recorded: answer => answer is not null);

        Assert.Null(answer);
        Assert.Null(await store.GetSizeAsync(Key));
    }

    [Fact]
    public async Task A_blob_whose_record_throws_is_deleted_and_the_exception_kept()
    {
        var store = Store();
        await store.WriteAsync("acct_test/images/a.jpg", new MemoryStream([1]));
        await store.WriteAsync("acct_test/images/a.person.png", new MemoryStream([2]));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.RecordOrDeleteAsync(["acct_test/images/a.jpg", "acct_test/images/a.person.png"], () => throw new InvalidOperationException("silo gone")));

        Assert.Equal("silo gone", thrown.Message);
        Assert.Null(await store.GetSizeAsync("acct_test/images/a.jpg"));
        Assert.Null(await store.GetSizeAsync("acct_test/images/a.person.png"));
    }
}
