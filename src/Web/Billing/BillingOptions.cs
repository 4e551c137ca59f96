using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TryOn.Web.Billing;

/// <summary>
/// Buying credits through Stripe (configuration section <c>Billing</c>). Billing is off until
/// <c>Billing:Stripe:SecretKey</c> is set; then the webhook secret, both return URLs and at least one pack are required.
/// </summary>
internal sealed class BillingOptions
{
    public const string SectionName = "Billing";

    public StripeSettings Stripe { get; set; } = new();

    /// <summary>Where Stripe sends the buyer after paying; <c>{CHECKOUT_SESSION_ID}</c> is filled in by Stripe.</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>Where Stripe sends the buyer who leaves the payment page.</summary>
    public string? CancelUrl { get; set; }

    /// <summary>Credit packs by name (lower case letters, digits, '-' and '_').</summary>
    public Dictionary<string, CreditPack> Packs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How old a webhook's signed timestamp may be; older deliveries are refused as replays.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured => !string.IsNullOrEmpty(Stripe.SecretKey);
}

internal sealed class StripeSettings
{
    /// <summary>The secret API key (<c>sk_live_…</c> or <c>sk_test_…</c>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The signing secret of the webhook endpoint (<c>whsec_…</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Another API base address, for a Stripe stand-in in tests; empty for Stripe itself.</summary>
    public string? ApiBase { get; set; }
}

/// <summary>A pack of credits sold for <see cref="Amount"/> in the <see cref="Currency"/>'s minor unit (cents).</summary>
internal sealed class CreditPack
{
    /// <summary>The most credits a pack may hold (checked at start, and on every paid checkout's metadata).</summary>
    public const long MaxCredits = 1_000_000;

    public long Credits { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "usd";

    /// <summary>What the payment page shows; defaults to "<c>N try-on credits</c>".</summary>
    public string? Name { get; set; }

    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? $"{Credits} try-on credits" : Name;
}

/// <summary>Stops the process at start-up with a message naming the setting when billing is half configured.</summary>
internal sealed partial class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.IsConfigured)
        {
            if (!string.IsNullOrEmpty(options.Stripe.WebhookSecret))
            {
                failures.Add("Billing:Stripe:WebhookSecret is set but Billing:Stripe:SecretKey is not; set both or neither.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (string.IsNullOrEmpty(options.Stripe.WebhookSecret))
        {
            failures.Add("Billing:Stripe:WebhookSecret is required when Billing:Stripe:SecretKey is set.");
        }

        RequireAbsoluteUrl(options.SuccessUrl, "Billing:SuccessUrl", failures);
        RequireAbsoluteUrl(options.CancelUrl, "Billing:CancelUrl", failures);
        if (!string.IsNullOrEmpty(options.Stripe.ApiBase) && !Uri.TryCreate(options.Stripe.ApiBase, UriKind.Absolute, out _))
        {
            failures.Add("Billing:Stripe:ApiBase must be an absolute URL.");
        }

        if (options.WebhookTolerance <= TimeSpan.Zero || options.WebhookTolerance > TimeSpan.FromHours(1))
        {
            failures.Add("Billing:WebhookTolerance must be more than 0 and at most 01:00:00.");
        }

        if (options.Packs.Count == 0)
        {
            failures.Add("Billing:Packs needs at least one pack when billing is configured.");
        }

        foreach (var (pack, settings) in options.Packs)
        {
            if (!PackName().IsMatch(pack))
            {
                failures.Add($"Billing:Packs:{pack}: pack names are 1-40 lower case letters, digits, '-' or '_'.");
            }

            if (settings.Credits is < 1 or > CreditPack.MaxCredits)
            {
                failures.Add($"Billing:Packs:{pack}:Credits must be from 1 to 1000000.");
            }

            if (settings.Amount is < 1 or > 100_000_000)
            {
                failures.Add($"Billing:Packs:{pack}:Amount must be from 1 to 100000000 (minor currency units).");
            }

            if (!CurrencyCode().IsMatch(settings.Currency))
            {
                failures.Add($"Billing:Packs:{pack}:Currency must be a three-letter ISO code in lower case, such as 'usd'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireAbsoluteUrl(string? value, string key, List<string> failures)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{key} must be an absolute http(s) URL when billing is configured.");
        }
    }

    [GeneratedRegex("^[a-z0-9_-]{1,40}$")]
    private static partial Regex PackName();

    [GeneratedRegex("^[a-z]{3}$")]
    private static partial Regex CurrencyCode();
}
