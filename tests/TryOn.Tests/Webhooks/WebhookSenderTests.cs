using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TryOn.Contracts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Webhooks;
using TryOn.Grains.Webhooks;
using TryOn.Hosting.Files;
using TryOn.Pipeline;

namespace TryOn.Tests.Webhooks;

/// <summary>The sending client as the silo builds it: the address rule is applied when it connects, whatever the URL said.</summary>
public sealed class WebhookSenderTests
{
    private static readonly WebhookEvent Completed = WebhookEvents.Finished(
        new GenerationView("gen_01m94hd1t96w7vngfeb59vf063", GenerationStatus.Completed, 1, null, "shirt-42", null, null, null, null, 900, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        DateTimeOffset.UnixEpoch);

    private static ServiceProvider Services(bool allowPrivateNetworks)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fetch:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false" })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTryOnClocks().AddTryOnImagePipeline().AddTryOnWebhooks();
        var links = Options.Create(new FileLinkOptions { SigningKey = new string('k', 40), PublicBaseUrl = new Uri("https://tryon.example.test") });
        services.AddSingleton(new FileLinks(links, new PublicOrigin(links, null!), TimeProvider.System));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_when_the_delivery_connects()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = $"http://localhost:{receiver.BaseAddress.Port}/rebound";
        await using var refusing = Services(allowPrivateNetworks: false);
        await using var allowing = Services(allowPrivateNetworks: true);

        var refused = await refusing.GetRequiredService<WebhookSender>().SendAsync(new WebhookTarget(url, "whsec_test"), Completed, CancellationToken.None);
        Assert.NotNull(refused);
        Assert.Contains("may not reach", refused, StringComparison.Ordinal);
        Assert.Empty(receiver.ReceivedAt("/rebound"));

        Assert.Null(await allowing.GetRequiredService<WebhookSender>().SendAsync(new WebhookTarget(url, "whsec_test"), Completed, CancellationToken.None));
        var received = Assert.Single(receiver.ReceivedAt("/rebound"));
        Assert.Equal(TryOn.Client.Webhooks.WebhookSignatureVerdict.Valid, TryOn.Client.Webhooks.WebhookSignature.Verify(received.Signature, received.Body, "whsec_test"));
        Assert.Equal("evt_01m94hd1t96w7vngfeb59vf063", received.Json.GetProperty("id").GetString());
    }
}
