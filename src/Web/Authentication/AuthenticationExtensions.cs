using Microsoft.AspNetCore.Authentication;

namespace TryOn.Web.Authentication;

internal static class AuthenticationExtensions
{
    /// <summary>Two schemes, one per audience, and a policy for each: merchants by API key, operators by admin token.</summary>
    public static IServiceCollection AddTryOnAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiKeyResolver>();
        services.AddSingleton<AdminCredential>();
        services.AddOptions<AdminOptions>()
            .Bind(configuration.GetSection(AdminOptions.SectionName))
            .Validate(
                options => string.IsNullOrEmpty(options.Token) || options.Token.Length >= AdminCredential.MinimumTokenLength,
                $"Admin:Token must have at least {AdminCredential.MinimumTokenLength} characters.")
            .Validate(
                options => options.FailedTokensPerMinute is >= 1 and <= AdminOptions.MaxFailedTokensPerMinute,
                $"Admin:FailedTokensPerMinute must be between 1 and {AdminOptions.MaxFailedTokensPerMinute}.")
            .ValidateOnStart();
        services.AddSingleton<AdminTokenThrottle>();

        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, null)
            .AddScheme<AuthenticationSchemeOptions, AdminTokenAuthenticationHandler>(AdminTokenDefaults.AuthenticationScheme, null);
        services.AddOptions<ApiKeyAuthenticationOptions>(ApiKeyDefaults.AuthenticationScheme)
            .Bind(configuration.GetSection(ApiKeyAuthenticationOptions.SectionName))
            .Validate(
                options => options.CacheDuration >= TimeSpan.Zero && options.CacheDuration <= ApiKeyAuthenticationOptions.MaxCacheDuration,
                $"{ApiKeyAuthenticationOptions.SectionName}:CacheDuration must be between 0 and 1 second.")
            .Validate(
                options => options.CacheCapacity >= 1,
                $"{ApiKeyAuthenticationOptions.SectionName}:CacheCapacity must be at least 1.")
            .Validate(
                options => options.StaleWhenUnreachable >= TimeSpan.Zero && options.StaleWhenUnreachable <= ApiKeyAuthenticationOptions.MaxStaleWhenUnreachable,
                $"{ApiKeyAuthenticationOptions.SectionName}:StaleWhenUnreachable must be between 0 and 5 minutes.")
            .ValidateOnStart();

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicies.Merchant, policy => policy
                .AddAuthenticationSchemes(ApiKeyDefaults.AuthenticationScheme)
                .RequireClaim(TryOnClaims.AccountId))
            .AddPolicy(AuthorizationPolicies.Admin, policy => policy
                .AddAuthenticationSchemes(AdminTokenDefaults.AuthenticationScheme)
                .RequireRole(AuthorizationPolicies.Admin));
        return services;
    }
}
