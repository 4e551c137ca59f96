using TryOn.Api.Accounts;
using TryOn.Api.Admin;
using TryOn.Api.Authentication;
using TryOn.Api.Billing;
using TryOn.Api.Customers;
using TryOn.Api.Errors;
using TryOn.Api.Files;
using TryOn.Api.Hosting;
using TryOn.Api.Images;
using TryOn.Api.OpenApi;
using TryOn.Api.Products;
using TryOn.Api.RateLimiting;
using TryOn.Api.TryOn;
using TryOn.Hosting.Health;
using TryOn.Hosting.Logging;

var builder = WebApplication.CreateBuilder(args);

builder.Logging.AddTryOnLogDefaults();
builder.AddTryOnOrleans();
builder.AddTryOnRequestLimits();
builder.Services.AddTryOnErrors();
builder.Services.AddTryOnAuthentication(builder.Configuration);
builder.Services.AddTryOnRateLimits();
builder.Services.AddTryOnBilling();
builder.Services.AddTryOnImages(builder.Configuration);
builder.Services.AddTryOnOpenApi();

var app = builder.Build();

app.UseTryOnSecurityHeaders();
app.UseTryOnErrors();
app.UseAuthentication();
app.UseAuthorization();
app.UseAccountRateLimits();

app.MapHealthEndpoints();
app.MapTryOnOpenApi();
app.MapAdminEndpoints();
app.MapFileEndpoints();
app.MapStripeWebhook();
var merchant = app.MapGroup("/tryon/v1")
    .RequireAuthorization(AuthorizationPolicies.Merchant)
    .RequireAccountRateLimits()
    .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
merchant.MapAccountEndpoints();
merchant.MapCheckoutEndpoints();
merchant.MapImageEndpoints();
merchant.MapProductEndpoints();
merchant.MapTryOnEndpoints();
merchant.MapCustomerEndpoints();

app.Run();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
