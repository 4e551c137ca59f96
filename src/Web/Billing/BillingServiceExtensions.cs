using Microsoft.Extensions.Options;
using Stripe;

namespace TryOn.Web.Billing;

internal static class BillingServiceExtensions
{
    public const string StripeHttpClient = "stripe";

    /// <summary>Billing settings (validated at start-up), and one <see cref="IStripeClient"/> when they name a key.</summary>
    public static IServiceCollection AddTryOnBilling(this IServiceCollection services)
    {
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddSingleton<CreditCheckout>();
        services.AddHttpClient(StripeHttpClient, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<IStripeClient>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BillingOptions>>().Value;
            if (!options.IsConfigured)
            {
                throw new InvalidOperationException("Billing is not configured: set Billing:Stripe:SecretKey.");
            }

            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(StripeHttpClient);
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = options.Stripe.SecretKey,
                ApiBase = string.IsNullOrEmpty(options.Stripe.ApiBase) ? null : options.Stripe.ApiBase.TrimEnd('/'),
                HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 2),
            });
        });
        return services;
    }
}
