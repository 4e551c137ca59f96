using TryOn.Client.Generations;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Client;

/// <summary><c>WaitForCompletionAsync</c> with a generation that takes long: a timeout, a cancellation, and a failed generation returned, not thrown.</summary>
public sealed class ClientWaitTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TryOnApp _app = null!;
    private LoopbackImageServer _images = null!;

    public async Task InitializeAsync()
    {
        _images = await LoopbackImageServer.StartAsync();
        _app = new TryOnApp(_directory.Path, new Dictionary<string, string?>
        {
            ["Engines:MockDuration"] = "00:00:30",
            ["TryOn:SyncWait"] = "00:00:01",
            ["Fetch:AllowPrivateNetworks"] = "true",
        });
        _app.Start();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _images.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<(TryOn.Client.TryOnClient Client, string GenerationId)> StartSlowAsync()
    {
        var client = ClientAppFixture.Client(_app.Start(), _app.DevelopmentApiKeyAfterStart(), out _);
        var person = ImageSource.FromUrl(new Uri(_images.Serve("slow.png", _images.Image)));
        var started = await client.StartTryOnAsync(TryOnRequest.WithProduct(
            new TryOn.Client.Products.ProductInput
            {
                Title = "mock",
                Category = "tops",
                Images = [TryOn.Client.Products.ProductImageInput.FromUrl(new Uri(_images.Serve("slow-garment.png", _images.Image)), new Dictionary<string, bool> { ["flat_lay"] = true })],
            },
            person));
        return (client, started.GenerationId);
    }

    [Fact]
    public async Task Waiting_ends_with_a_timeout_while_the_generation_runs_on()
    {
        var (client, generationId) = await StartSlowAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForCompletionAsync(generationId, TimeSpan.FromMilliseconds(500)));

        Assert.False((await client.GetGenerationAsync(generationId)).IsFinished);
    }

    [Fact]
    public async Task Try_on_sync_still_running_when_the_server_stops_holding_answers_the_generation_as_it_is()
    {
        var client = ClientAppFixture.Client(_app.Start(), _app.DevelopmentApiKeyAfterStart(), out _);
        var generation = await client.TryOnSyncAsync(TryOnRequest.WithProduct(
            new TryOn.Client.Products.ProductInput
            {
                Title = "mock",
                Category = "tops",
                Images = [TryOn.Client.Products.ProductImageInput.FromUrl(new Uri(_images.Serve("sync-garment.png", _images.Image)), new Dictionary<string, bool> { ["flat_lay"] = true })],
            },
            ImageSource.FromUrl(new Uri(_images.Serve("sync.png", _images.Image)))));

        Assert.False(generation.IsFinished);
        Assert.StartsWith("gen_", generation.GenerationId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_stops_when_cancelled()
    {
        var (client, generationId) = await StartSlowAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForCompletionAsync(generationId, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task A_failed_generation_is_returned_with_its_code()
    {
        var client = ClientAppFixture.Client(_app.Start(), _app.DevelopmentApiKeyAfterStart(), out _);
        var generation = await client.RunTryOnAsync(
            TryOnRequest.WithProduct(
                new TryOn.Client.Products.ProductInput
                {
                    Title = "mock",
                    Category = "tops",
                    Images = [TryOn.Client.Products.ProductImageInput.FromUrl(new Uri(_images.BaseAddress, "/status/404"), new Dictionary<string, bool> { ["flat_lay"] = true })],
                },
                ImageSource.FromUrl(new Uri(_images.Serve("fails.png", _images.Image)))),
            timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(GenerationStatus.Failed, generation.Status);
        Assert.Equal(TryOn.Client.Errors.TryOnErrorCodes.ProductImageFetchFailed, generation.ErrorCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.DownloadResultAsync(generation));
    }
}
