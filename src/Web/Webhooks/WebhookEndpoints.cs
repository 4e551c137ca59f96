using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Webhooks;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Paging;

namespace TryOn.Web.Webhooks;

/// <summary>
/// <c>/webhook-endpoints</c> (docs/api.md, "Webhooks"): an account's endpoints and their deliveries. Events are raised
/// and delivered by the silo (<c>WebhookEndpointsGrain</c>, <c>WebhookDeliveryGrain</c>); this is only their management.
/// </summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder merchant)
    {
        merchant.MapPost("/webhook-endpoints", CreateAsync).Validate<WebhookEndpointRequest>()
            .WithTags("Webhooks")
            .WithName("CreateWebhookEndpoint")
            .WithSummary("Add a webhook endpoint")
            .WithDescription("Add an endpoint for generation.completed and/or generation.failed events; its signing secret is shown only in this answer.");
        merchant.MapGet("/webhook-endpoints", ListAsync)
            .WithTags("Webhooks")
            .WithName("ListWebhookEndpoints")
            .WithSummary("List webhook endpoints")
            .WithDescription("The account's webhook endpoints, never their secrets.");
        merchant.MapDelete("/webhook-endpoints/{endpointId}", DeleteAsync)
            .WithTags("Webhooks")
            .WithName("DeleteWebhookEndpoint")
            .WithSummary("Remove a webhook endpoint")
            .WithDescription("Remove an endpoint; its pending deliveries stop.")
            .ProducesErrors(ErrorCodes.WebhookEndpointNotFound);
        merchant.MapGet("/webhook-endpoints/{endpointId}/deliveries", ListDeliveriesAsync)
            .WithTags("Webhooks")
            .WithName("ListWebhookDeliveries")
            .WithSummary("List an endpoint's deliveries")
            .WithDescription("The endpoint's deliveries, newest first (paged): status, attempts, last error and next attempt.")
            .ProducesErrors(ErrorCodes.ValidationFailed, ErrorCodes.WebhookEndpointNotFound);
        return merchant;
    }

    internal static async Task<Created<CreatedWebhookEndpointResponse>> CreateAsync(
        WebhookEndpointRequest? request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var created = await Endpoints(grains, user).CreateAsync(request!.Url!, [.. request.Events!.OfType<string>()], cancellationToken);
        var endpoint = created.Endpoint;
        return TypedResults.Created(
            $"/tryon/v1/webhook-endpoints/{endpoint.Id}",
            new CreatedWebhookEndpointResponse(endpoint.Id, endpoint.Url, endpoint.Events, created.Secret, endpoint.CreatedAt));
    }

    internal static async Task<Ok<ListResponse<WebhookEndpointResponse>>> ListAsync(ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var endpoints = await Endpoints(grains, user).ListAsync(cancellationToken);
        return TypedResults.Ok(new ListResponse<WebhookEndpointResponse>([.. endpoints.Select(WebhookEndpointResponse.From)], null, false, endpoints.Length));
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> DeleteAsync(
        string endpointId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken) =>
        ResourceIds.IsWebhookEndpointId(endpointId) && await Endpoints(grains, user).DeleteAsync(endpointId, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound(endpointId);

    internal static async Task<Results<Ok<ListResponse<WebhookDeliveryResponse>>, ApiErrorResult>> ListDeliveriesAsync(
        string endpointId, string? limit, string? cursor, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!ListQuery.TryParse(limit, cursor, out var page, out var error))
        {
            return new ApiErrorResult(error!);
        }

        var deliveries = ResourceIds.IsWebhookEndpointId(endpointId)
            ? await Endpoints(grains, user).ListDeliveriesAsync(endpointId, page.After, page.Limit, cancellationToken)
            : null;
        return deliveries is null
            ? NotFound(endpointId)
            : TypedResults.Ok(new Page<WebhookDelivery>(deliveries.Items, deliveries.NextAfter).ToResponse(WebhookDeliveryResponse.From));
    }

    /// <summary>The caller's own account's endpoints: another account's endpoint ids are simply not found there.</summary>
    private static IWebhookEndpointsGrain Endpoints(IGrainFactory grains, ClaimsPrincipal user) =>
        grains.GetGrain<IWebhookEndpointsGrain>(user.GetAccountId());

    private static ApiErrorResult NotFound(string endpointId) =>
        new(ApiError.Of(ErrorCodes.WebhookEndpointNotFound, $"Webhook endpoint '{endpointId}' not found."));
}

internal sealed record WebhookEndpointResponse(string Id, string Url, ImmutableArray<string> Events, DateTimeOffset CreatedAt)
{
    public static WebhookEndpointResponse From(WebhookEndpoint endpoint) => new(endpoint.Id, endpoint.Url, endpoint.Events, endpoint.CreatedAt);
}

/// <summary>The answer of <c>POST /webhook-endpoints</c>: the endpoint and its secret, shown only here.</summary>
internal sealed record CreatedWebhookEndpointResponse(string Id, string Url, ImmutableArray<string> Events, string Secret, DateTimeOffset CreatedAt);

/// <summary>One delivery: <c>status</c> is <c>pending</c>, <c>delivered</c> or <c>failed</c>; <c>nextAttemptAt</c> only while pending.</summary>
internal sealed record WebhookDeliveryResponse(
    string EventId,
    string Event,
    string GenerationId,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt)
{
    public static WebhookDeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.EventId,
        delivery.EventType,
        delivery.GenerationId,
        delivery.Status.ToString().ToLowerInvariant(),
        delivery.Attempts,
        delivery.LastError,
        delivery.NextAttemptAt,
        delivery.CreatedAt);
}
