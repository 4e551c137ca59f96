using System.Net;
using TryOn.Client;
using TryOn.Client.Errors;
using TryOn.Client.Generations;

namespace TryOn.Tests.Client;

/// <summary>
/// Retries through a fault-injecting proxy in front of the real service, and against the service's own rate limit:
/// only the codes the catalogue calls retryable, each as often as it says, with <c>Retry-After</c> honoured, and a
/// creating call's retries under one Idempotency-Key so that a lost answer never costs a second credit.
/// </summary>
public sealed class ClientRetryTests(ClientAppFixture fixture) : IClassFixture<ClientAppFixture>, IAsyncLifetime
{
    private FaultInjectingProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FaultInjectingProxy.StartAsync(fixture.BaseAddress);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Service_unavailable_is_retried_after_its_retry_after_and_then_succeeds()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(credits: 3), out var attempts);
        _proxy.Inject("/tryon/v1/account/credits", Fault.Error(503, TryOnErrorCodes.ServiceUnavailable, retryAfterSeconds: 1));
        _proxy.Inject("/tryon/v1/account/credits", Fault.Error(503, TryOnErrorCodes.ServiceUnavailable, retryAfterSeconds: 1));

        var credits = await client.GetCreditsAsync();

        Assert.Equal(3, credits.CreditBalance);
        Assert.Equal(3, attempts.Count);
        Assert.Equal(3, _proxy.SeenAt("/tryon/v1/account/credits").Count);
    }

    [Fact]
    public async Task A_try_on_whose_answer_was_lost_is_retried_under_the_same_key_and_charged_once()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(credits: 5), out _);
        await fixture.MockProductAsync(client, "mock-lost");
        var person = ImageSource.FromUrl(new Uri(fixture.Images.Serve("lost.png", fixture.Images.Image)));
        _proxy.Inject("/tryon/v1/try-on", new Fault.DropAfterForwarding());

        var started = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-lost", person));

        var sent = _proxy.SeenAt("/tryon/v1/try-on");
        Assert.Equal(2, sent.Count);
        Assert.NotNull(sent[0].IdempotencyKey);
        Assert.Equal(sent[0].IdempotencyKey, sent[1].IdempotencyKey);
        var generations = await client.ListGenerationsAsync();
        Assert.Equal([started.GenerationId], generations.Items.Select(item => item.Id));
        var done = await client.WaitForCompletionAsync(started.GenerationId, TimeSpan.FromSeconds(30));
        Assert.Equal(GenerationStatus.Completed, done.Status);
        Assert.Equal(4, await ClientAppFixture.BalanceAsync(client));
    }

    [Fact]
    public async Task Separate_calls_draw_separate_keys_and_a_caller_key_is_sent_as_given()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(credits: 5), out _);
        await fixture.MockProductAsync(client, "mock-keys");
        var person = ImageSource.FromUrl(new Uri(fixture.Images.Serve("keys.png", fixture.Images.Image)));

        var first = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-keys", person));
        var second = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-keys", person));
        var mine = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-keys", person), options: new RequestOptions { IdempotencyKey = "order-1001" });
        var again = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-keys", person), options: new RequestOptions { IdempotencyKey = "order-1001" });

        Assert.NotEqual(first.GenerationId, second.GenerationId);
        Assert.Equal(mine.GenerationId, again.GenerationId);
        var keys = _proxy.SeenAt("/tryon/v1/try-on").Select(request => request.IdempotencyKey).ToList();
        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal("order-1001", keys[^1]);
    }

    [Fact]
    public async Task The_service_rate_limit_is_waited_out_and_the_call_succeeds()
    {
        // 60 writes a minute: a burst of 60, then one token a second, so the 61st write is refused with Retry-After: 1.
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(limits: new { writesPerMinute = 60 }), out var attempts);
        for (var i = 0; i < 60; i++)
        {
            await client.EraseCustomerAsync($"customer-{i}");
        }

        await client.EraseCustomerAsync("customer-after-the-burst");

        Assert.True(attempts.Count > 61, $"{attempts.Count} attempts: the service never refused a write");
        Assert.True(attempts.Count <= 61 + 3, $"{attempts.Count} attempts");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_limit_is_thrown_at_once_with_its_time()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(), out var attempts, options => options.MaxRetryAfter = TimeSpan.FromSeconds(10));
        _proxy.Inject("/tryon/v1/account/credits", Fault.Error(429, TryOnErrorCodes.RateLimited, retryAfterSeconds: 30));

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.GetCreditsAsync());

        Assert.Equal(TryOnErrorCodes.RateLimited, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(1, attempts.Count);
    }

    [Fact]
    public async Task An_internal_error_is_retried_at_most_three_times_however_many_retries_are_allowed()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(), out var attempts, options => options.MaxRetries = 6);
        for (var i = 0; i < 6; i++)
        {
            _proxy.Inject("/tryon/v1/account/credits", Fault.Error(500, TryOnErrorCodes.InternalError));
        }

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.GetCreditsAsync());

        Assert.Equal(TryOnErrorCodes.InternalError, error.Code);
        Assert.Equal("req_proxy", error.RequestId);
        Assert.Equal(4, attempts.Count);
    }

    [Fact]
    public async Task A_proxy_page_is_retried_and_then_thrown_as_an_unrecognised_response()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(), out var attempts, options => options.MaxRetries = 2);
        for (var i = 0; i < 3; i++)
        {
            _proxy.Inject("/tryon/v1/account/credits", Fault.ProxyPage(502));
        }

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.GetCreditsAsync());

        Assert.Equal(TryOnErrorCodes.UnrecognisedResponse, error.Code);
        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Equal(3, attempts.Count);
    }

    [Fact]
    public async Task A_key_in_use_is_retried_until_the_first_request_answered()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(), out _);
        await fixture.MockProductAsync(client, "mock-in-use");
        _proxy.Inject("/tryon/v1/try-on", Fault.Error(409, TryOnErrorCodes.IdempotencyKeyInUse));

        var started = await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-in-use", ImageSource.FromUrl(new Uri(fixture.Images.Serve("in-use.png", fixture.Images.Image)))));

        Assert.StartsWith("gen_", started.GenerationId, StringComparison.Ordinal);
        Assert.Equal(2, _proxy.SeenAt("/tryon/v1/try-on").Count);
    }

    [Fact]
    public async Task With_retries_off_the_first_answer_is_thrown()
    {
        var client = ClientAppFixture.Client(_proxy.BaseAddress, await fixture.ApiKeyAsync(), out var attempts, options => options.MaxRetries = 0);
        _proxy.Inject("/tryon/v1/account/credits", Fault.Error(503, TryOnErrorCodes.ServiceUnavailable, retryAfterSeconds: 1));

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.GetCreditsAsync());

        Assert.Equal(TryOnErrorCodes.ServiceUnavailable, error.Code);
        Assert.Equal(1, attempts.Count);
    }
}
