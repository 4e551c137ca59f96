using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Billing;

/// <summary>The service with billing pointed at an in-process Stripe stand-in.</summary>
public sealed class BillingAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public StripeStub Stripe { get; private set; } = null!;

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await StripeStub.StartAsync();
        App = new TryOnApp(_directory.Path, Stripe.BillingSettings());
        Admin = App.CreateAdminClient();
        Anonymous = App.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
        _directory.Dispose();
    }

    public async Task<Merchant> MerchantAsync(long credits = 0)
    {
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Shop", credits })).ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created);
        var secret = key.GetProperty("key").GetString()!;
        return new Merchant(accountId, secret, key.GetProperty("keyId").GetString()!, App.CreateMerchantClient(secret));
    }
}

/// <summary>Credit packs bought through Stripe Checkout, granted and refunded by signed webhooks, each event once.</summary>
public sealed class BillingTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private static int _events;

    private static string NewEventId() => "evt_test_" + Interlocked.Increment(ref _events);

    private static object PaidSession(string sessionId, string accountId, string paymentId, string pack = "starter", long credits = 100, long amount = 1900, string paymentStatus = "paid") => new Dictionary<string, object?>
    {
        ["id"] = sessionId,
        ["object"] = "checkout.session",
        ["mode"] = "payment",
        ["status"] = "complete",
        ["payment_status"] = paymentStatus,
        ["payment_intent"] = paymentId,
        ["amount_total"] = amount,
        ["currency"] = "usd",
        ["metadata"] = new Dictionary<string, string> { ["tryon_account_id"] = accountId, ["tryon_pack"] = pack, ["tryon_credits"] = credits.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    private static object RefundedCharge(string paymentId, long amount, long amountRefunded) => new Dictionary<string, object?>
    {
        ["id"] = "ch_" + paymentId,
        ["object"] = "charge",
        ["amount"] = amount,
        ["amount_refunded"] = amountRefunded,
        ["refunded"] = amountRefunded >= amount,
        ["currency"] = "usd",
        ["payment_intent"] = paymentId,
        ["paid"] = true,
        ["status"] = "succeeded",
    };

    private async Task<HttpResponseMessage> DeliverAsync(string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await fixture.Anonymous.SendAsync(request);
    }

    private async Task<string> DeliverSignedAsync(string payload) =>
        (await (await DeliverAsync(payload, StripeStub.Sign(payload, DateTimeOffset.UtcNow))).ShouldBeOkAsync()).GetProperty("outcome").GetString()!;

    private static async Task<long> BalanceAsync(Merchant merchant) =>
        (await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync()).GetProperty("creditBalance").GetInt64();

    private async Task<List<JsonElement>> LedgerAsync(Merchant merchant) =>
        [.. (await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/ledger")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Packs_are_listed_and_checkout_creates_a_Stripe_session_for_the_account()
    {
        var merchant = await fixture.MerchantAsync();
        var packs = await (await merchant.Client.GetAsync("/tryon/v1/account/packs")).ShouldBeOkAsync();
        Assert.True(packs.GetProperty("billingEnabled").GetBoolean());
        Assert.Equal(["starter", "pro"], packs.GetProperty("packs").EnumerateArray().Select(pack => pack.GetProperty("pack").GetString()));
        Assert.Equal("Pro pack", packs.GetProperty("packs")[1].GetProperty("name").GetString());

        var checkout = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/account/checkout", new { pack = "pro" })).ShouldBeOkAsync();

        var sessionId = checkout.GetProperty("sessionId").GetString()!;
        Assert.Equal("https://checkout.stripe.test/c/pay/" + sessionId, checkout.GetProperty("checkoutUrl").GetString());
        Assert.Equal((1000, 14900, "usd"), (checkout.GetProperty("credits").GetInt64(), checkout.GetProperty("amount").GetInt64(), checkout.GetProperty("currency").GetString()));
        var sent = fixture.Stripe.SessionRequests.Last();
        Assert.Equal("payment", sent["mode"]);
        Assert.Equal("14900", sent["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("1", sent["line_items[0][quantity]"]);
        Assert.Equal(merchant.AccountId, sent["metadata[tryon_account_id]"]);
        Assert.Equal(merchant.AccountId, sent["client_reference_id"]);
        Assert.Equal("1000", sent["metadata[tryon_credits]"]);
        Assert.Equal(merchant.AccountId, sent["payment_intent_data[metadata][tryon_account_id]"]);
        Assert.Equal(0, await BalanceAsync(merchant));
    }

    [Theory]
    [InlineData("""{"pack": "gold"}""")]
    [InlineData("""{"pack": ""}""")]
    [InlineData("""{}""")]
    public async Task Unknown_or_missing_packs_are_VALIDATION_FAILED(string body)
    {
        var merchant = await fixture.MerchantAsync();
        var before = fixture.Stripe.SessionRequests.Count;
        var response = await merchant.Client.PostAsync("/tryon/v1/account/checkout", new StringContent(body, Encoding.UTF8, "application/json"));
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains("pack", envelope.GetProperty("details").ToString(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Stripe.SessionRequests.Count);
    }

    [Fact]
    public async Task Stripe_refusing_the_session_is_PAYMENT_PROVIDER_ERROR()
    {
        var merchant = await fixture.MerchantAsync();
        fixture.Stripe.Refuse = true;
        try
        {
            await (await merchant.Client.PostAsJsonAsync("/tryon/v1/account/checkout", new { pack = "starter" })).ShouldBeErrorAsync(HttpStatusCode.BadGateway, "PAYMENT_PROVIDER_ERROR");
        }
        finally
        {
            fixture.Stripe.Refuse = false;
        }
    }

    [Fact]
    public async Task A_paid_checkout_grants_its_credits_exactly_once_whatever_is_replayed()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var paid = StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_once", merchant.AccountId, "pi_once"));

        Assert.Equal("applied", await DeliverSignedAsync(paid));
        Assert.Equal(105, await BalanceAsync(merchant));

        // Stripe retrying the same event, a replay signed anew, and a second event for the same checkout.
        Assert.Equal("already_applied", await DeliverSignedAsync(paid));
        Assert.Equal("already_applied", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.async_payment_succeeded", PaidSession("cs_once", merchant.AccountId, "pi_once"))));
        Assert.Equal(105, await BalanceAsync(merchant));

        var purchases = (await LedgerAsync(merchant)).Where(entry => entry.GetProperty("kind").GetString() == "purchase").ToList();
        var purchase = Assert.Single(purchases);
        Assert.Equal(100, purchase.GetProperty("amount").GetInt64());
        Assert.Equal("cs_once", purchase.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Forged_tampered_expired_and_unsigned_deliveries_change_nothing()
    {
        var merchant = await fixture.MerchantAsync();
        var payload = StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_forged", merchant.AccountId, "pi_forged"));
        var tampered = payload.Replace("\"tryon_credits\":\"100\"", "\"tryon_credits\":\"100000\"", StringComparison.Ordinal);
        Assert.NotEqual(payload, tampered);

        var deliveries = new (string Payload, string? Signature)[]
        {
            (payload, StripeStub.Sign(payload, DateTimeOffset.UtcNow, secret: "whsec_someone_else")),
            (tampered, StripeStub.Sign(payload, DateTimeOffset.UtcNow)),
            (payload, StripeStub.Sign(payload, DateTimeOffset.UtcNow.AddMinutes(-10))),
            (payload, null),
            (payload, "t=garbage,v1=00"),
        };
        foreach (var (body, signature) in deliveries)
        {
            await (await DeliverAsync(body, signature)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "WEBHOOK_SIGNATURE_INVALID");
        }

        Assert.Equal(0, await BalanceAsync(merchant));

        // The genuine delivery still counts: the refused ones did not mark the event as seen.
        Assert.Equal("applied", await DeliverSignedAsync(payload));
        Assert.Equal(100, await BalanceAsync(merchant));
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_event_is_BAD_REQUEST_and_changes_nothing()
    {
        var merchant = await fixture.MerchantAsync();
        foreach (var payload in new[] { "not json at all", "[1, 2, 3]", "{\"id\": 5, \"data\": \"x\"}" })
        {
            await (await DeliverAsync(payload, StripeStub.Sign(payload, DateTimeOffset.UtcNow))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        }

        Assert.Equal(0, await BalanceAsync(merchant));
    }

    [Fact]
    public async Task A_checkout_whose_credits_no_pack_could_hold_is_ignored_every_time_it_is_delivered()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var payload = StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_huge", merchant.AccountId, "pi_huge", credits: long.MaxValue));
        Assert.Equal("ignored", await DeliverSignedAsync(payload));
        Assert.Equal("ignored", await DeliverSignedAsync(payload));
        Assert.Equal(5, await BalanceAsync(merchant));
    }

    [Fact]
    public async Task An_unpaid_completion_waits_for_the_async_payment()
    {
        var merchant = await fixture.MerchantAsync();
        Assert.Equal("not_paid", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_async", merchant.AccountId, "pi_async", paymentStatus: "unpaid"))));
        Assert.Equal(0, await BalanceAsync(merchant));

        Assert.Equal("applied", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.async_payment_succeeded", PaidSession("cs_async", merchant.AccountId, "pi_async"))));
        Assert.Equal(100, await BalanceAsync(merchant));
    }

    [Fact]
    public async Task Refunds_deduct_their_share_once_and_never_take_the_balance_below_zero()
    {
        var merchant = await fixture.MerchantAsync();
        Assert.Equal("applied", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_refund", merchant.AccountId, "pi_refund"))));

        var half = StripeStub.Event(NewEventId(), "charge.refunded", RefundedCharge("pi_refund", 1900, 950));
        Assert.Equal("applied", await DeliverSignedAsync(half));
        Assert.Equal(50, await BalanceAsync(merchant));
        Assert.Equal("already_applied", await DeliverSignedAsync(half));
        Assert.Equal(50, await BalanceAsync(merchant));

        // 40 of the remaining credits are spent before the rest is refunded: only 10 can be taken back.
        await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = -40, reason = "spent" })).ShouldBeOkAsync();
        Assert.Equal("applied", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "charge.refunded", RefundedCharge("pi_refund", 1900, 1900))));
        Assert.Equal(0, await BalanceAsync(merchant));

        var refunds = (await LedgerAsync(merchant)).Where(entry => entry.GetProperty("kind").GetString() == "refund").ToList();
        Assert.Equal([-10L, -50L], refunds.Select(entry => entry.GetProperty("amount").GetInt64()));
        Assert.Contains("40 of its 50 credits were already spent", refunds[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refund_that_overtakes_its_checkout_is_refused_until_the_purchase_is_recorded()
    {
        var merchant = await fixture.MerchantAsync();
        var refund = StripeStub.Event(NewEventId(), "charge.refunded", RefundedCharge("pi_early", 1900, 1900));
        await (await DeliverAsync(refund, StripeStub.Sign(refund, DateTimeOffset.UtcNow))).ShouldBeErrorAsync(HttpStatusCode.Conflict, "PAYMENT_NOT_RECORDED");

        // Stripe's retry of the checkout lands, then its retry of the refund.
        Assert.Equal("applied", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.completed", PaidSession("cs_early", merchant.AccountId, "pi_early"))));
        Assert.Equal(100, await BalanceAsync(merchant));
        Assert.Equal("applied", await DeliverSignedAsync(refund));
        Assert.Equal(0, await BalanceAsync(merchant));
    }

    [Fact]
    public async Task Events_that_are_not_ours_are_acknowledged_and_change_nothing()
    {
        var merchant = await fixture.MerchantAsync(credits: 3);
        var unknownRefund = StripeStub.Event(NewEventId(), "charge.refunded", RefundedCharge("pi_elsewhere", 1000, 1000));
        await (await DeliverAsync(unknownRefund, StripeStub.Sign(unknownRefund, DateTimeOffset.UtcNow))).ShouldBeErrorAsync(HttpStatusCode.Conflict, "PAYMENT_NOT_RECORDED");
        Assert.Equal("ignored", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "customer.created", new Dictionary<string, object?> { ["id"] = "cus_1", ["object"] = "customer" })));
        var foreign = new Dictionary<string, object?> { ["id"] = "cs_foreign", ["object"] = "checkout.session", ["payment_status"] = "paid", ["metadata"] = new Dictionary<string, string>() };
        Assert.Equal("ignored", await DeliverSignedAsync(StripeStub.Event(NewEventId(), "checkout.session.completed", foreign)));
        Assert.Equal(3, await BalanceAsync(merchant));
    }
}

/// <summary>Billing endpoints on a server without Stripe settings.</summary>
public sealed class BillingNotConfiguredTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    [Fact]
    public async Task Checkout_and_webhook_answer_BILLING_NOT_CONFIGURED_and_no_packs_are_on_sale()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var packs = await (await merchant.Client.GetAsync("/tryon/v1/account/packs")).ShouldBeOkAsync();
        Assert.False(packs.GetProperty("billingEnabled").GetBoolean());
        Assert.Equal(0, packs.GetProperty("packs").GetArrayLength());

        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/account/checkout", new { pack = "starter" })).ShouldBeErrorAsync(HttpStatusCode.ServiceUnavailable, "BILLING_NOT_CONFIGURED");
        var payload = StripeStub.Event("evt_x", "checkout.session.completed", new { id = "cs_x", @object = "checkout.session" });
        using var webhook = new StringContent(payload, Encoding.UTF8, "application/json");
        webhook.Headers.TryAddWithoutValidation("Stripe-Signature", StripeStub.Sign(payload, DateTimeOffset.UtcNow));
        await (await fixture.Anonymous.PostAsync("/webhooks/stripe", webhook)).ShouldBeErrorAsync(HttpStatusCode.ServiceUnavailable, "BILLING_NOT_CONFIGURED");
    }
}
