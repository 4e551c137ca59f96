using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace TryOn.Load;

/// <summary>
/// The scenarios: a fixed number of workers (<see cref="LoadOptions.Concurrency"/>) each sending one request after
/// another until the duration ends (closed loop), except p6, which sends one upload per worker at once.
/// </summary>
internal sealed class Scenarios(LoadTarget target, LoadOptions options)
{
    public async Task<LatencyRecorder> RunAsync(CancellationToken cancellationToken)
    {
        if (options.Scenario == "p6")
        {
            return await UploadBurstAsync(cancellationToken);
        }

        Func<Merchant, int, CancellationToken, Task<string>> request = options.Scenario switch
        {
            "p1" => (merchant, _, token) => SendAsync(() => merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", merchant.TryOnBody(), token)),
            "p2" => (_, _, token) => SendAsync(() => target.Merchants[0].Client.GetAsync($"/tryon/v1/generations/{target.GenerationId}", token)),
            _ => MixedAsync,
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Duration);
        var recorder = new LatencyRecorder();
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var merchant = target.MerchantOf(worker);
            for (var sequence = 0; !deadline.IsCancellationRequested; sequence++)
            {
                var started = Stopwatch.GetTimestamp();
                string outcome;
                try
                {
                    outcome = await request(merchant, sequence, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException exception)
                {
                    outcome = "transport: " + exception.HttpRequestError;
                }

                recorder.Record(Stopwatch.GetElapsedTime(started), outcome);
            }
        }));
        await Task.WhenAll(workers);
        return recorder;
    }

    /// <summary>Per 10 requests: 1 try-on, 1 small upload, 8 polls (a storefront's mix).</summary>
    private Task<string> MixedAsync(Merchant merchant, int sequence, CancellationToken token) => (sequence % 10) switch
    {
        0 => SendAsync(() => merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", merchant.TryOnBody(), token)),
        1 => UploadOutcomeAsync(merchant, target.SmallPhoto, token),
        _ => SendAsync(() => target.Merchants[0].Client.GetAsync($"/tryon/v1/generations/{target.GenerationId}", token)),
    };

    private async Task<LatencyRecorder> UploadBurstAsync(CancellationToken cancellationToken)
    {
        // Just under the 10 MB cap: 1860 x 1860 x 3 bytes of noise, stored uncompressed.
        var photo = LoadTarget.NoisePng(1860, 1860);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p6: {options.Concurrency} uploads of {photo.Length / 1_000_000.0:F2} MB at once"));
        var recorder = new LatencyRecorder();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await UploadOutcomeAsync(target.MerchantOf(worker), photo, cancellationToken);
            recorder.Record(Stopwatch.GetElapsedTime(started), outcome);
        }));
        return recorder;
    }

    private static async Task<string> UploadOutcomeAsync(Merchant merchant, byte[] photo, CancellationToken token)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(photo) { Headers = { ContentType = new("image/png") } }, "file", "photo.png" },
        };
        return await SendAsync(() => merchant.Client.PostAsync("/tryon/v1/images/upload", form, token));
    }

    private static async Task<string> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        using var response = await send();
        await response.Content.LoadIntoBufferAsync();
        return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }
}
