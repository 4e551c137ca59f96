using TryOn.Contracts;
using TryOn.Contracts.Errors;
using TryOn.Hosting.Health;
using TryOn.Hosting.Logging;
using TryOn.Hosting.Operators;
using TryOn.Hosting.Telemetry;
using TryOn.Web.Accounts;
using TryOn.Web.Admin;
using TryOn.Web.Authentication;
using TryOn.Web.Billing;
using TryOn.Web.Customers;
using TryOn.Web.Dashboard;
using TryOn.Web.Errors;
using TryOn.Web.Files;
using TryOn.Web.Hosting;
using TryOn.Web.Idempotency;
using TryOn.Web.Images;
using TryOn.Web.OpenApi;
using TryOn.Web.Products;
using TryOn.Web.RateLimiting;
using TryOn.Web.TryOn;
using TryOn.Web.Webhooks;

namespace TryOn.Web;

/// <summary>
/// The HTTP API as one composition, for both of its hosts: the embedded service (src/Api, which adds a silo) and the
/// cluster gateway (src/Gateway, which adds an Orleans client). Neither host knows the features one by one.
/// </summary>
public static class TryOnApiExtensions
{
    /// <summary>The API's services: errors, authentication, rate limits, billing, images, the OpenAPI document, erasure, the dashboard.</summary>
    public static WebApplicationBuilder AddTryOnApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddTryOnLogDefaults();
        builder.AddTryOnRequestLimits();
        builder.Services.AddTryOnClocks();
        builder.Services.AddTryOnErrors();
        builder.Services.AddTryOnAuthentication(builder.Configuration);
        builder.Services.AddTryOnRateLimits();
        builder.Services.AddTryOnBilling();
        builder.Services.AddTryOnImages(builder.Configuration);
        builder.Services.AddTryOnOpenApi();
        builder.Services.AddSingleton<EndUserErasure>();
        builder.Services.AddTryOnDashboard(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The middleware, in order, and every endpoint: health and the Prometheus scrape (the host adds the telemetry,
    /// <see cref="TelemetryExtensions.AddTryOnTelemetry"/>), OpenAPI, admin, files, Stripe, the dashboard, then the merchant API.
    /// </summary>
    public static WebApplication MapTryOnApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseTryOnSecurityHeaders();
        app.UseTryOnErrors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAccountRateLimits();
        app.UseIdempotencyKeys();

        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        app.MapTryOnOpenApi();
        app.MapAdminEndpoints().MapDashboardAdminEndpoints();
        app.MapOrleansDashboardWhenEnabled(app.Configuration)?
            .RequireAuthorization(AuthorizationPolicies.Admin)
            .ExcludeFromDescription();
        app.MapFileEndpoints();
        app.MapStripeWebhook();
        app.MapTryOnDashboard();
        var merchant = app.MapGroup("/tryon/v1")
            .RequireAuthorization(AuthorizationPolicies.Merchant)
            .RequireAccountRateLimits()
            .ProducesErrors(ErrorCodes.MissingApiKey, ErrorCodes.InvalidApiKey, ErrorCodes.RateLimited);
        merchant.MapAccountEndpoints();
        merchant.MapCheckoutEndpoints();
        merchant.MapImageEndpoints();
        merchant.MapProductEndpoints();
        merchant.MapTryOnEndpoints();
        merchant.MapCustomerEndpoints();
        merchant.MapWebhookEndpoints();
        return app;
    }
}
