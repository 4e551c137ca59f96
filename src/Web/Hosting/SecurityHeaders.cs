namespace TryOn.Web.Hosting;

/// <summary>
/// Headers every answer carries: <c>X-Content-Type-Options: nosniff</c> everywhere (a browser never guesses a type we
/// did not send), <c>Cache-Control: no-store</c> on the merchant and admin JSON (balances, keys shown once, signed
/// links), so no shared or browser cache keeps them, and a Content-Security-Policy on HTML pages (the API reference at
/// <c>/docs</c>, the Orleans Dashboard, and a stricter one on the merchant dashboard, whose pages are never cached and
/// send no referrer). Set as the answer starts, so error answers have them too.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Only this service's own files, never framed, no inline script. Inline styles are allowed because the API
    /// reference's bundle injects its styles at run time; fonts inlined as <c>data:</c> URLs because the Orleans
    /// Dashboard's stylesheet carries its icon font so.
    /// </summary>
    public const string HtmlContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'";

    /// <summary>
    /// The merchant dashboard's pages: only this service's own stylesheet, script and images, no inline script or style,
    /// forms posted only here, never framed.
    /// </summary>
    public const string DashboardContentSecurityPolicy = DashboardPolicyUpToFormAction + DashboardPolicyRest;

    /// <summary>
    /// The billing page's: the same, but its buy buttons may end on Stripe Checkout. The button's form posts here, and
    /// the answer redirects to Stripe; browsers (Chrome) check such a redirect against the form's form-action too.
    /// </summary>
    public const string DashboardBillingContentSecurityPolicy = DashboardPolicyUpToFormAction + " https://checkout.stripe.com" + DashboardPolicyRest;

    private const string DashboardPolicyUpToFormAction = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; form-action 'self'";

    private const string DashboardPolicyRest = "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private static readonly PathString Dashboard = "/dashboard";

    private static readonly PathString DashboardBilling = "/dashboard/billing";

    private static readonly PathString[] PrivateJson = ["/tryon/v1", "/admin/v1"];

    public static IApplicationBuilder UseTryOnSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                response.Headers.XContentTypeOptions = "nosniff";
                if (PrivateJson.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                    && response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    response.Headers.CacheControl = "no-store";
                }

                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    response.Headers.ContentSecurityPolicy = HtmlContentSecurityPolicy;
                }

                // Dashboard pages show secrets (a new key, a link's token in its path): never cached, never a referrer.
                if (context.Request.Path.StartsWithSegments(Dashboard, StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers["Referrer-Policy"] = "no-referrer";
                    if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                    {
                        response.Headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(DashboardBilling, StringComparison.OrdinalIgnoreCase)
                            ? DashboardBillingContentSecurityPolicy
                            : DashboardContentSecurityPolicy;
                        response.Headers.CacheControl = "no-store";
                    }
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
