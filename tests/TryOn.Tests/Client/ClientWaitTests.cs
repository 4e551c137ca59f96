using TryOn.Client.Generations;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Client;

/// <summary>The real service with a mock engine that takes 3 s, so that generations are still running when a wait ends.</summary>
public sealed class SlowEngineAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TryOnApp App { get; private set; } = null!;

    public LoopbackImageServer Images { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Images = await LoopbackImageServer.StartAsync();
        App = new TryOnApp(_directory.Path, new Dictionary<string, string?>
        {
            ["Engines:MockDuration"] = "00:00:03",
            ["TryOn:SyncWait"] = "00:00:01",
            ["Fetch:AllowPrivateNetworks"] = "true",
        });
        App.Start();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Images.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary><c>WaitForCompletionAsync</c> with a generation that takes long: a timeout, a cancellation, and a failed generation returned, not thrown.</summary>
public sealed class ClientWaitTests(SlowEngineAppFixture fixture) : IClassFixture<SlowEngineAppFixture>
{
    private readonly TryOnApp _app = fixture.App;
    private readonly LoopbackImageServer _images = fixture.Images;

    private TryOn.Client.TryOnClient Client() => ClientAppFixture.Client(_app.Start(), _app.DevelopmentApiKeyAfterStart(), out _);

    /// <summary>A one-shot try-on of a mock product (3 s here) whose garment is <paramref name="garment"/>.</summary>
    private TryOnRequest MockTryOn(string name, Uri? garment = null) => TryOnRequest.WithProduct(
        new TryOn.Client.Products.ProductInput
        {
            Title = "mock",
            Category = "tops",
            Images = [TryOn.Client.Products.ProductImageInput.FromUrl(garment ?? new Uri(_images.Serve($"{name}-garment.png", _images.Image)), new Dictionary<string, bool> { ["flat_lay"] = true })],
        },
        ImageSource.FromUrl(new Uri(_images.Serve($"{name}.png", _images.Image))));

    private async Task<(TryOn.Client.TryOnClient Client, string GenerationId)> StartSlowAsync()
    {
        var client = Client();
        var started = await client.StartTryOnAsync(MockTryOn("slow"));
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
        var generation = await Client().TryOnSyncAsync(MockTryOn("sync"));

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
        var client = Client();
        var generation = await client.RunTryOnAsync(MockTryOn("fails", garment: new Uri(_images.BaseAddress, "/status/404")), timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(GenerationStatus.Failed, generation.Status);
        Assert.Equal(TryOn.Client.Errors.TryOnErrorCodes.ProductImageFetchFailed, generation.ErrorCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.DownloadResultAsync(generation));
    }
}
