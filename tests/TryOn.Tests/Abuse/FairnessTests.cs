using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Multipart;

namespace TryOn.Tests.Abuse;

/// <summary>
/// One account cannot take the service from another: its slow uploads hold at most its share of the upload places
/// and are cut off at the body deadline, and its queued generations take turns with other accounts' instead of
/// going first. The bounds are counted in places and turns, not measured in time.
/// </summary>
public sealed class FairnessTests
{
    private static readonly byte[] Person = TestImages.Read("person-astronaut.png");

    [Fact]
    public async Task One_accounts_slow_uploads_leave_places_for_another_and_are_cut_off_at_the_deadline()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path, new Dictionary<string, string?>
        {
            ["Uploads:MaxConcurrent"] = "4",
            ["Uploads:PlaceWait"] = "00:00:01",
            ["Uploads:BodyTimeout"] = "00:00:06",
        });
        using var admin = app.CreateAdminClient();
        var slow = await MerchantKeyAsync(admin);
        using var other = app.CreateMerchantClient(await MerchantKeyAsync(admin));
        var intake = app.Services.GetRequiredService<FormIntake>();

        // Four uploads that trickle in above Kestrel's minimum data rate: without a deadline they would never end.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var baseAddress = app.Start();
        var answers = new List<(int Order, RawResponse Response)>();
        var order = 0;
        var trickles = Enumerable.Range(0, 4).Select(async _ =>
        {
            var response = await TrickleUploadAsync(baseAddress, slow, stop.Token);
            lock (answers)
            {
                answers.Add((++order, response));
            }
        }).ToList();

        // Two hold the account's half of the places; the other account's upload gets one of the rest at once.
        await Eventually.HoldsAsync(() => Task.FromResult(intake.FreePlaces == 2), TimeSpan.FromSeconds(20), "the slow account to hold two places");
        using var upload = new MultipartFormDataContent { { new ByteArrayContent(Person) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "me.png" } };
        await (await other.PostAsync("/tryon/v1/images/upload", upload)).ShouldBeOkAsync();
        int otherServedAt;
        lock (answers)
        {
            otherServedAt = ++order;
        }

        await Task.WhenAll(trickles);

        // The two without a place were refused with a time to come back; the two reading were cut off, after the
        // other account had been served, and their connections closed.
        var refused = answers.Where(answer => answer.Response.Status == 503).ToList();
        var cut = answers.Where(answer => answer.Response.Status == 408).ToList();
        Assert.Equal(2, refused.Count);
        Assert.Equal(2, cut.Count);
        Assert.All(refused, answer =>
        {
            Assert.Contains("\"code\":\"SERVICE_UNAVAILABLE\"", answer.Response.Body, StringComparison.Ordinal);
            Assert.True(answer.Response.Closed, "the connection of a refused body stays open");
            Assert.True(int.TryParse(answer.Response.Header("Retry-After"), out var seconds) && seconds >= 1, answer.Response.Head);
        });
        Assert.All(cut, answer =>
        {
            Assert.Contains("\"code\":\"REQUEST_TIMEOUT\"", answer.Response.Body, StringComparison.Ordinal);
            Assert.True(answer.Response.Closed, "the connection of a body cut off stays open");
            Assert.True(answer.Order > otherServedAt, "a slow upload was cut off before the other account was served");
        });
        await Eventually.HoldsAsync(() => Task.FromResult(intake.FreePlaces == 4), TimeSpan.FromSeconds(10), "every place to be given back");
    }

    [Fact]
    public async Task Another_accounts_generation_takes_its_turn_ahead_of_a_queued_burst()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path, new Dictionary<string, string?>
        {
            ["Engines:MockDuration"] = "00:00:00.300",
            ["Engines:Slots"] = "1",
        });
        using var admin = app.CreateAdminClient();
        using var busy = app.CreateMerchantClient(await MerchantKeyAsync(admin));
        using var quiet = app.CreateMerchantClient(await MerchantKeyAsync(admin));
        var busyRequest = await TryOnRequestAsync(busy);
        var quietRequest = await TryOnRequestAsync(quiet);

        const int Burst = 12;
        var burst = new List<string>();
        for (var i = 0; i < Burst; i++)
        {
            burst.Add((await (await busy.PostAsJsonAsync("/tryon/v1/try-on", busyRequest)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!);
        }

        var generationId = (await (await quiet.PostAsJsonAsync("/tryon/v1/try-on", quietRequest)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;

        // Next after the burst's next one, not after all of it (first in first out would say 11 or 12).
        var waiting = await (await quiet.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync();
        if (waiting.GetProperty("status").GetString() == "PENDING")
        {
            Assert.InRange(waiting.GetProperty("queuePosition").GetInt32(), 1, 2);
        }

        await Eventually.HoldsAsync(
            async () => (await (await quiet.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString() == "COMPLETED",
            TimeSpan.FromSeconds(30),
            "the quiet account's generation to complete");
        var unfinished = 0;
        foreach (var id in burst)
        {
            var status = (await (await busy.GetAsync($"/tryon/v1/generations/{id}")).ShouldBeOkAsync()).GetProperty("status").GetString();
            unfinished += status is "PENDING" or "PROCESSING" ? 1 : 0;
        }

        Assert.True(unfinished >= Burst / 2, $"only {unfinished} of the burst were still unfinished when the other account's generation completed");
    }

    private static async Task<string> MerchantKeyAsync(HttpClient admin)
    {
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Shop", credits = 50, limits = new { maxInFlightGenerations = 50 } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString();
        var key = await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created);
        return key.GetProperty("key").GetString()!;
    }

    /// <summary>A shopper photo and a product on the mock engine, as the body of a try-on.</summary>
    private static async Task<object> TryOnRequestAsync(HttpClient client)
    {
        using var upload = new MultipartFormDataContent { { new ByteArrayContent(Person) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "me.png" } };
        var imageId = (await (await client.PostAsync("/tryon/v1/images/upload", upload)).ShouldBeOkAsync()).GetProperty("imageId").GetString();
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var product = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "mock-tee", "title": "mock", "category": "tops", "images": [{"source": {"fileKey": "g"}}]}"""), "data" },
            { new ByteArrayContent(TestImages.Png(garment)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "g", "g.png" },
        };
        await (await client.PostAsync("/tryon/v1/products", product)).ShouldBeOkAsync();
        return new { products = new[] { new { externalId = "mock-tee" } }, person = new { image = new { source = new { id = imageId } } } };
    }

    /// <summary>
    /// An upload that announces 10 MB and sends 150 bytes every half second (300 B/s, above Kestrel's 240 B/s
    /// minimum) until the server answers; returns the answer as read off the socket.
    /// </summary>
    private static async Task<RawResponse> TrickleUploadAsync(Uri baseAddress, string apiKey, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = "POST /tryon/v1/images/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + $"x-api-key: {apiKey}\r\nContent-Type: multipart/form-data; boundary=trickle\r\nContent-Length: 10000000\r\n\r\n"
            + "--trickle\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var trickle = Task.Run(
            async () =>
            {
                var chunk = new byte[150];
                while (!answered.IsCancellationRequested)
                {
                    await stream.WriteAsync(chunk, answered.Token);
                    await Task.Delay(500, answered.Token);
                }
            },
            CancellationToken.None);
        var response = await RawResponse.ReadAsync(stream, cancellationToken);
        await answered.CancelAsync();
        await trickle.ContinueWith(static _ => { }, TaskScheduler.Default);
        return response;
    }

    /// <summary>An HTTP/1.1 answer read off a socket: status, head, what followed it, and whether the server then closed it.</summary>
    private sealed record RawResponse(int Status, string Head, string Body, bool Closed)
    {
        public string? Header(string name) =>
            Head.Split("\r\n").Select(line => line.Split(':', 2)).FirstOrDefault(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();

        public static async Task<RawResponse> ReadAsync(NetworkStream stream, CancellationToken cancellationToken)
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            int headEnd;
            while ((headEnd = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                Assert.True(read > 0, "the server closed the connection without an answer");
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }

            var head = Encoding.ASCII.GetString([.. received.Take(headEnd)]);
            var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

            // The rest until the server closes (its answers here say "Connection: close"); chunked or not, the JSON
            // text is in there whole.
            var closed = false;
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, linger.Token)) > 0)
                {
                    received.AddRange(buffer.AsSpan(0, read).ToArray());
                }

                closed = true;
            }
            catch (IOException)
            {
                closed = true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still open after the linger.
            }

            return new RawResponse(status, head, Encoding.UTF8.GetString([.. received.Skip(headEnd + 4)]), closed);
        }
    }
}
