using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts;
using TryOn.Grains.Hosting;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Authentication;

namespace TryOn.Tests.Authentication;

/// <summary>Guessing the admin token: a few wrong tokens per client address and minute, each one logged with the address.</summary>
public sealed class AdminTokenThrottleTests : IAsyncLifetime
{
    private const int Allowance = 3;
    private const string WrongToken = "Bearer wrong-token-wrong-token-1234";

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TryOnApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new TryOnApp(
            _directory.Path,
            new Dictionary<string, string?> { ["Admin:FailedTokensPerMinute"] = Allowance.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock));
        _app.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<HttpResponseMessage> ListAccountsAsync(string authorization)
    {
        using var client = _app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/accounts");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Wrong_tokens_past_the_allowance_return_RATE_LIMITED_even_for_the_right_token_until_the_minute_is_over()
    {
        for (var i = 0; i < Allowance; i++)
        {
            await (await ListAccountsAsync(WrongToken)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        var refused = await ListAccountsAsync("Bearer " + _app.AdminToken);
        var envelope = await refused.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var details = envelope.GetProperty("details");
        Assert.Equal("adminToken", details.GetProperty("class").GetString());
        Assert.Equal(Allowance, details.GetProperty("limit").GetInt32());
        var retryAfter = details.GetProperty("retryAfterSeconds").GetInt32();
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(TimeSpan.FromSeconds(retryAfter), refused.Headers.RetryAfter?.Delta);
        await (await ListAccountsAsync(WrongToken)).ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");

        _clock.Advance(AdminTokenThrottle.Window);
        await (await ListAccountsAsync("Bearer " + _app.AdminToken)).ShouldBeOkAsync();
    }

    [Fact]
    public async Task Each_wrong_token_is_a_warning_with_the_client_address_and_never_the_token()
    {
        await (await ListAccountsAsync(WrongToken)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        var warning = Assert.Single(_app.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("Wrong admin token", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs, line => line.Contains("wrong-token-wrong-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_without_a_token_are_not_counted()
    {
        using var anonymous = _app.CreateHttpClient();
        for (var i = 0; i < Allowance + 1; i++)
        {
            await (await anonymous.GetAsync("/admin/v1/accounts")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        using var admin = _app.CreateAdminClient();
        await (await admin.GetAsync("/admin/v1/accounts")).ShouldBeOkAsync();
    }

    [Fact]
    public void Another_address_keeps_its_allowance_and_an_IPv6_network_counts_as_one()
    {
        var throttle = new AdminTokenThrottle(
            Options.Create(new AdminOptions { FailedTokensPerMinute = 2 }),
            _clock,
            NullLogger<AdminTokenThrottle>.Instance);
        var guesser = IPAddress.Parse("203.0.113.7");
        throttle.RecordFailure(guesser);
        throttle.RecordFailure(guesser);
        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));
        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.True(throttle.IsRefused(guesser, out _));
        Assert.True(throttle.IsRefused(IPAddress.Parse("::ffff:203.0.113.7"), out _));
        Assert.False(throttle.IsRefused(IPAddress.Parse("203.0.113.8"), out _));
        Assert.True(throttle.IsRefused(IPAddress.Parse("2001:db8:1:2::42"), out _));
        Assert.False(throttle.IsRefused(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }
}
