using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Webhooks;
using TryOn.Hosting.Files;
using TryOn.Hosting.Generations;
using TryOn.Pipeline.Fetching;

namespace TryOn.Grains.Webhooks;

/// <summary>
/// One attempt of a delivery: renders the event (its generation through <see cref="GenerationResponse"/>, the mapping
/// <c>GET /generations/:id</c> answers with, so with a fresh signed result link), signs it and posts it, through the
/// named client of <see cref="WebhookServiceCollectionExtensions"/> (no redirects, 5 s, the connect-time address check).
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, FileLinks links, [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    public const string ClientName = "TryOn.Webhooks";

    /// <summary>The API's own JSON conventions (camelCase, as ASP.NET Core writes answers).</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The request body of <paramref name="webhookEvent"/>: <c>{ id, type, createdAt, data }</c>.</summary>
    public byte[] Render(WebhookEvent webhookEvent) => JsonSerializer.SerializeToUtf8Bytes(
        new WebhookEventBody(webhookEvent.Id, webhookEvent.Type, webhookEvent.CreatedAt, GenerationResponse.From(webhookEvent.Generation, links)),
        Json);

    /// <summary>Posts the event; null when the endpoint answered 2xx in time, otherwise what went wrong, for <c>lastError</c>.</summary>
    public async Task<string?> SendAsync(WebhookTarget target, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var body = Render(webhookEvent);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Header(target.Secret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"HTTP {status}: redirects are not followed; answer 2xx at the endpoint's URL.",
                _ => $"HTTP {status}.",
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"No answer within {WebhookDeliveries.AttemptTimeout.TotalSeconds:0} s.";
        }
        catch (HttpRequestException exception) when (exception.InnerException is BlockedAddressException)
        {
            return "The endpoint's host resolves to an address the server may not reach.";
        }
        catch (HttpRequestException exception)
        {
            return exception.HttpRequestError == HttpRequestError.NameResolutionError
                ? "The endpoint's host name does not resolve."
                : $"The endpoint could not be reached ({exception.HttpRequestError}).";
        }
    }

    private sealed record WebhookEventBody(string Id, string Type, DateTimeOffset CreatedAt, GenerationResponse Data);
}
