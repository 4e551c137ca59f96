namespace TryOn.Web.RateLimiting;

internal static class RateLimitingExtensions
{
    public static IServiceCollection AddTryOnRateLimits(this IServiceCollection services) =>
        services.AddSingleton<AccountRateLimiter>();

    /// <summary>Runs after authentication, so the account is known, and before the endpoint reads the body.</summary>
    public static IApplicationBuilder UseAccountRateLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<AccountRateLimitMiddleware>();

    /// <summary>Calls to these endpoints spend the calling account's read or write budget.</summary>
    public static TBuilder RequireAccountRateLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccountRateLimitMetadata.Instance);
}
