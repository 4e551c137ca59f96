using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVips;
using TryOn.Contracts.Generations;
using TryOn.Grains.Generations;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Engines;

/// <summary>A newcomer's first try-on with the default engine: the real service, the committed model, real bytes.</summary>
public sealed class TryOnEndToEndTests
{
    [Fact]
    public async Task A_generated_t_shirt_is_put_on_the_person_in_the_test_photo()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());

        using var upload = new MultipartFormDataContent();
        var photo = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        upload.Add(photo, "file", "me.png");
        var imageId = (await (await merchant.PostAsync("/tryon/v1/images/upload", upload)).ShouldBeOkAsync()).GetProperty("imageId").GetString();

        using var product = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "blue-tee", "title": "Blue cotton tee", "images": [{"source": {"fileKey": "front"}}]}"""), "data" },
        };
        product.Add(new ByteArrayContent(CompositeEngineTests.BlueTee()), "front", "blue-tee-front.png");
        var created = await (await merchant.PostAsync("/tryon/v1/products", product)).ShouldBeOkAsync();
        Assert.True(created.GetProperty("images")[0].GetProperty("classifications").GetProperty("flat_lay").GetBoolean());

        var started = await (await merchant.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "blue-tee" } },
            person = new { image = new { source = new { id = imageId } } },
        })).ShouldBeOkAsync();

        JsonElement generation = default;
        await Eventually.HoldsAsync(
            async () => (generation = await (await merchant.GetAsync($"/tryon/v1/generations/{started.GetProperty("generationId").GetString()}")).ShouldBeOkAsync())
                .GetProperty("status").GetString() is "COMPLETED" or "FAILED",
            TimeSpan.FromSeconds(30),
            "the generation to finish");
        Assert.Equal("COMPLETED", generation.GetProperty("status").GetString());

        using var anonymous = app.CreateHttpClient();
        var result = await anonymous.GetAsync(generation.GetProperty("resultImageUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        using var image = Image.NewFromBuffer(await result.Content.ReadAsByteArrayAsync());
        var chest = image.Getpoint(image.Width / 2, image.Height * 5 / 8);
        Assert.True(chest[2] > chest[0] + 60, $"The chest should be blue, it is {string.Join(",", chest)}.");
        var credits = await (await merchant.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(99, credits.GetProperty("creditBalance").GetInt64());
    }

    /// <summary>Uploads the test photo, creates the blue tee product, runs one try-on to COMPLETED; its id.</summary>
    private static async Task<string> RunTryOnAsync(HttpClient merchant)
    {
        using var upload = new MultipartFormDataContent();
        var photo = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        upload.Add(photo, "file", "me.png");
        var imageId = (await (await merchant.PostAsync("/tryon/v1/images/upload", upload)).ShouldBeOkAsync()).GetProperty("imageId").GetString();
        using var product = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "blue-tee", "title": "Blue cotton tee", "images": [{"source": {"fileKey": "front"}}]}"""), "data" },
        };
        product.Add(new ByteArrayContent(CompositeEngineTests.BlueTee()), "front", "blue-tee-front.png");
        await (await merchant.PostAsync("/tryon/v1/products", product)).ShouldBeOkAsync();
        var generationId = (await (await merchant.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "blue-tee" } },
            person = new { image = new { source = new { id = imageId } } },
        })).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
        await Eventually.HoldsAsync(
            async () => (await (await merchant.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString() == "COMPLETED",
            TimeSpan.FromSeconds(30),
            "the generation to complete");
        return generationId;
    }

    [Fact]
    public async Task Each_stage_of_a_generation_is_a_span_of_one_trace_rooted_at_its_attempt()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GenerationTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());

        var generationId = await RunTryOnAsync(merchant);

        Activity? attempt = null;
        await Eventually.HoldsAsync(
            () => Task.FromResult((attempt = stopped.FirstOrDefault(span =>
                span.OperationName == GenerationTracing.Attempt && (string?)span.GetTagItem(GenerationTracing.GenerationIdTag) == generationId)) is not null),
            TimeSpan.FromSeconds(10),
            "the attempt's root span to end");
        var stages = stopped.Where(span => span.TraceId == attempt!.TraceId && span != attempt).Select(span => span.OperationName).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                GenerationTracing.QueueWait, GenerationTracing.BeginAttempt, GenerationTracing.LoadShopper, GenerationTracing.LoadProduct,
                GenerationTracing.Engine, GenerationTracing.EngineDecode, GenerationTracing.EngineCutout, GenerationTracing.EngineFit,
                GenerationTracing.EngineOnnx, GenerationTracing.Encode, GenerationTracing.Store, GenerationTracing.Finish,
            },
            stages);
        Assert.DoesNotContain(GenerationTracing.Watermark, stages);
        Assert.Contains(stopped, span => span.OperationName == GenerationTracing.ReserveCredit);
        Assert.Contains(stopped, span => span.OperationName == GenerationTracing.StartGeneration);
    }
}
