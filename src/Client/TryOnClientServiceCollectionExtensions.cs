using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TryOn.Client.Http;

namespace TryOn.Client;

public static class TryOnClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TryOnClient"/> as a typed client of <c>IHttpClientFactory</c>, with the retry pipeline
    /// (docs/client.md). The answer configures the HttpClient further (a proxy, another primary handler).
    /// </summary>
    public static IHttpClientBuilder AddTryOnClient(this IServiceCollection services, Action<TryOnClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TryOnClientOptions>().Configure(configure);
        var client = services.AddHttpClient(nameof(TryOnClient), (provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<TryOnClientOptions>>().Value.BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan;
        })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddTypedClient((http, provider) => new TryOnClient(http, provider.GetRequiredService<IOptions<TryOnClientOptions>>().Value));
        client.AddResilienceHandler(TryOnResilience.PipelineName, (pipeline, context) =>
            TryOnResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<TryOnClientOptions>>().Value));
        return client;
    }
}
