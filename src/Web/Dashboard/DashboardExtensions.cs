using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;
using TryOn.Contracts.Dashboard;

namespace TryOn.Web.Dashboard;

/// <summary>
/// The merchant dashboard at <c>/dashboard</c> (docs/dashboard.md): Razor Pages rendered on the server, signed in with a
/// cookie whose session the account's team grain holds, antiforgery on every form, sign-ins rate limited. Served by
/// the embedded host and by every cluster gateway alike; the hosts say where the Data Protection keys live.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>The rate-limiting policy of sign-in, invitation and reset forms.</summary>
    internal const string SignInLimit = "dashboard-sign-in";

    /// <summary>Password forms each client address may post per minute to one process, by default (<c>Dashboard:SignInsPerMinute</c>).</summary>
    internal const int DefaultSignInsPerMinute = 10;

    /// <summary>Cookies and antiforgery tokens are protected with one key ring, shared by every process (see the hosts).</summary>
    public const string DataProtectionApplication = "TryOn";

    internal static IServiceCollection AddTryOnDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        var signInsPerMinute = configuration.GetValue("Dashboard:SignInsPerMinute", DefaultSignInsPerMinute);
        if (signInsPerMinute < 1)
        {
            throw new InvalidOperationException("Dashboard:SignInsPerMinute must be at least 1.");
        }

        services.AddSingleton<DashboardInvitations>();
        services.AddSingleton<DashboardImages>();
        services.AddDataProtection().SetApplicationName(DataProtectionApplication);
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Dashboard/Pages";
                options.Conventions.AuthorizeFolder("/", DashboardAuthentication.Policy);
                options.Conventions.AllowAnonymousToPage("/SignIn");
                options.Conventions.AllowAnonymousToPage("/Link");
                foreach (var page in new[] { "/SignIn", "/Link" })
                {
                    options.Conventions.AddPageApplicationModelConvention(page, model => model.EndpointMetadata.Add(new EnableRateLimitingAttribute(SignInLimit)));
                }
            })
            .AddApplicationPart(typeof(DashboardExtensions).Assembly);

        services.AddAuthentication().AddCookie(DashboardAuthentication.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(DashboardAuthentication.Scheme).Configure<IHostEnvironment>((options, environment) =>
        {
            options.Cookie.Name = DashboardAuthentication.CookieName;
            options.Cookie.Path = "/dashboard";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = SecurePolicy(environment);
            options.ExpireTimeSpan = DashboardAuthentication.IdleTimeout;
            options.SlidingExpiration = true;
            options.LoginPath = "/dashboard/sign-in";
            options.LogoutPath = "/dashboard/sign-out";
            options.AccessDeniedPath = "/dashboard";
            options.ReturnUrlParameter = "returnUrl";
            options.Events.OnValidatePrincipal = DashboardAuthentication.ValidateSessionAsync;
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            options.Cookie.Name = "__tryon_antiforgery";
            options.Cookie.Path = "/dashboard";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = SecurePolicy(environment);
            options.FormFieldName = "__antiforgery";
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardAuthentication.Policy, policy => policy
                .AddAuthenticationSchemes(DashboardAuthentication.Scheme)
                .RequireClaim(DashboardAuthentication.SessionId))
            .AddPolicy(DashboardAuthentication.OwnerPolicy, policy => policy
                .AddAuthenticationSchemes(DashboardAuthentication.Scheme)
                .RequireClaim(DashboardAuthentication.Role, DashboardRoles.Owner));

        services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignInLimit, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress ?? IPAddress.None,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = signInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(IPAddress.None));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1))
                    .TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(DashboardAssets.TooManyAttemptsPage, cancellationToken);
            };
        });
        return services;
    }

    internal static WebApplication MapTryOnDashboard(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapDashboardAssets();
        app.MapDashboardGenerationEndpoints();
        app.MapRazorPages();
        return app;
    }

    /// <summary>Secure cookies everywhere but in development, where the README's run command serves plain HTTP.</summary>
    private static CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
