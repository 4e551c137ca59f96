using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Stripe;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Paging;
using TryOn.Web.Billing;
using TryOn.Web.Paging;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>A credit pack on sale, as the page shows it.</summary>
internal sealed record PackOffer(string Pack, string Name, long Credits, string Price);

/// <summary>
/// Credits: the packs on sale and a button per pack that starts a Stripe Checkout (<see cref="CreditCheckout"/>, as
/// <c>POST /tryon/v1/account/checkout</c>) and sends the browser there; owners only. Without billing settings the page
/// says so. Below, the account's ledger, newest first, a page at a time (as the admin API's ledger).
/// </summary>
internal sealed class BillingModel(IGrainFactory grains, IAccountReadModel accounts, CreditCheckout checkout, ILogger<CreditCheckout> logger) : DashboardPage(grains)
{
    /// <summary>Ledger entries a page shows.</summary>
    public const int PageSize = 25;

    /// <summary>Currencies whose amounts Stripe counts in whole units, not hundredths.</summary>
    private static readonly HashSet<string> ZeroDecimalCurrencies =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public bool BillingEnabled { get; private set; }

    public IReadOnlyList<PackOffer> Packs { get; private set; } = [];

    public IReadOnlyList<LedgerEntry> Ledger { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public string? Problem { get; private set; }

    protected override bool OnlyOwnersChange => true;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostBuyAsync(string? pack)
    {
        if (!checkout.Options.IsConfigured)
        {
            Problem = "Buying credits is not set up on this server. Ask your operator for credits.";
        }
        else if (pack is null || !checkout.Options.Packs.ContainsKey(pack))
        {
            Problem = "Choose one of the packs below.";
        }
        else
        {
            try
            {
                var session = await checkout.StartAsync(AccountId, pack, HttpContext.RequestAborted);
                if (Uri.TryCreate(session.Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
                {
                    // The page's form-action allows Stripe Checkout's origin, so the browser follows this redirect.
                    return Redirect(url.AbsoluteUri);
                }

                Problem = "The payment provider answered without a payment page. Try again in a minute.";
            }
            catch (StripeException exception)
            {
                CheckoutEndpoints.LogCheckoutFailed(logger, exception, (int?)exception.HttpStatusCode ?? 0, exception.StripeError?.Code);
                Problem = "The payment provider could not start a payment. Nothing was charged; try again in a minute.";
            }
        }

        await LoadAsync();
        return Page();
    }

    /// <summary>An amount in the currency's minor unit, written as people read it: <c>19.00 USD</c>.</summary>
    public static string Price(long amount, string currency) =>
        ZeroDecimalCurrencies.Contains(currency)
            ? string.Create(CultureInfo.InvariantCulture, $"{amount} {currency.ToUpperInvariant()}")
            : string.Create(CultureInfo.InvariantCulture, $"{amount / 100m:0.00} {currency.ToUpperInvariant()}");

    private async Task LoadAsync()
    {
        var packs = CheckoutEndpoints.ListPacks(checkout).Value!;
        BillingEnabled = packs.BillingEnabled;
        Packs = [.. packs.Packs.Select(pack => new PackOffer(pack.Pack, pack.Name, pack.Credits, Price(pack.Amount, pack.Currency)))];

        // The ledger's sort key is its sequence number: anything else is a damaged link.
        if (!ListQuery.TryParse(null, Cursor, out var page, out _)
            || (page.After is not null && !long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            Problem ??= "That page link is not valid any more; here is the first page.";
            page = new PageRequest(null, PageSize);
            Cursor = null;
        }

        var entries = await accounts.ListLedgerAsync(AccountId, page with { Limit = PageSize }, HttpContext.RequestAborted);
        Ledger = entries.Items;
        NextCursor = entries.NextAfter is null ? null : PageCursor.Encode(entries.NextAfter);
    }
}
