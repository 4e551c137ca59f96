using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.People;

/// <summary>The analysis is stored with the image (a restart does not recompute it), and its models are checked at start.</summary>
public sealed class PersonAnalysisLifetimeTests
{
    private const string AnalysisLogLine = "Person analysis of a";

    [Fact]
    public async Task The_analysis_survives_a_restart_without_being_computed_again()
    {
        using var directory = new TempDirectory();
        string imageId, person;
        await using (var first = new TryOnApp(directory.Path))
        {
            using var merchant = first.CreateMerchantClient(first.DevelopmentApiKeyAfterStart());
            var uploaded = await PersonAnalysisApiTests.UploadAsync(merchant, TestImages.Read("person-astronaut.png"));
            (imageId, person) = (uploaded.GetProperty("imageId").GetString()!, uploaded.GetProperty("person").GetRawText());
            Assert.Single(first.Logs, line => line.Contains(AnalysisLogLine, StringComparison.Ordinal));
        }

        await using var second = new TryOnApp(directory.Path);
        using var client = second.CreateMerchantClient(second.DevelopmentApiKeyAfterStart());
        var fetched = await (await client.GetAsync($"/tryon/v1/images/{imageId}")).ShouldBeOkAsync();
        Assert.Equal(person, fetched.GetProperty("person").GetRawText());

        // The stored analysis also admits the try-on, still without running the models on the photo.
        await Privacy.ShopperCalls.CreateProductAsync(client, "tee-r");
        await (await client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "tee-r" } },
            person = new { image = new { source = new { id = imageId } } },
        })).ShouldBeOkAsync();
        Assert.DoesNotContain(second.Logs, line => line.Contains(AnalysisLogLine, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("blazepose/pose_landmark_full.onnx", "altered")]
    [InlineData("blazepose/pose_detection.onnx", "altered")]
    [InlineData("blazepose/pose_detection.onnx", "missing")]
    public void An_altered_or_missing_pose_model_stops_the_start_naming_it(string file, string damage)
    {
        using var directory = new TempDirectory();
        var models = Path.Combine(directory.Path, "models");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "models"), models);
        var path = Path.Combine(models, file);
        if (damage == "missing")
        {
            File.Delete(path);
        }
        else
        {
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(path, bytes);
        }

        using var app = new TryOnApp(Path.Combine(directory.Path, "data"), new Dictionary<string, string?> { ["Models:Directory"] = models });
        var failure = Assert.ThrowsAny<Exception>(() => app.Start());

        var message = failure.ToString();
        Assert.Contains(file, message, StringComparison.Ordinal);
        Assert.Contains(damage == "missing" ? "is missing" : "does not match its SHA-256", message, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
