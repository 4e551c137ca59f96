using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Multipart;

namespace TryOn.Tests.Images;

/// <summary>Uploads:MaxConcurrent: forms beyond it wait for a place before their body is read; JSON never waits.</summary>
public sealed class FormIntakeTests : IAsyncLifetime
{
    private const string Boundary = "held-boundary";

    private readonly TempDirectory _directory = new();
    private TryOnApp _app = null!;
    private HttpClient _merchant = null!;

    public Task InitializeAsync()
    {
        _app = new TryOnApp(_directory.Path, new Dictionary<string, string?> { ["Uploads:MaxConcurrent"] = "1" });
        _merchant = _app.CreateMerchantClient(_app.DevelopmentApiKeyAfterStart());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _merchant.Dispose();
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_second_form_waits_for_the_first_to_be_answered_while_json_requests_go_on()
    {
        var photo = TestImages.Read("person-astronaut.png");
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _merchant.PostAsync("/tryon/v1/images/upload", new HeldUpload(photo, firstHeld.Task));
        var intake = _app.Services.GetRequiredService<FormIntake>();
        await Eventually.HoldsAsync(() => Task.FromResult(intake.FreePlaces == 0), TimeSpan.FromSeconds(10), "the first upload to take the only place");

        // Sent whole at once.
        var second = _merchant.PostAsync("/tryon/v1/images/upload", new HeldUpload(photo, Task.CompletedTask));

        // A JSON request is answered while both forms are outstanding ...
        using (var credits = await _merchant.GetAsync("/tryon/v1/account/credits"))
        {
            Assert.Equal(HttpStatusCode.OK, credits.StatusCode);
        }

        // ... and the second form, whose bytes were all sent, is not answered: it waits for the first one's place.
        Assert.False(second.IsCompleted, "The second upload was answered while the first held the only place.");

        firstHeld.SetResult();
        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
    }

    /// <summary>A multipart upload of one file whose body stops half-way until <c>release</c> completes.</summary>
    private sealed class HeldUpload : HttpContent
    {
        private readonly byte[] _body;
        private readonly Task _release;

        public HeldUpload(byte[] photo, Task release)
        {
            var head = Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n");
            var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
            _body = [.. head, .. photo, .. tail];
            _release = release;
            Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(_body.AsMemory(half));
            await stream.FlushAsync();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
