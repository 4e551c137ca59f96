using System.Net;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>Password forms are rate limited per client address (docs/dashboard.md): the default, 10 a minute.</summary>
public sealed class DashboardSignInLimitTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    [Fact]
    public async Task The_eleventh_sign_in_in_a_minute_is_answered_429_with_retry_after()
    {
        using var visitor = new DashboardVisitor(fixture.App);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var refused = await visitor.SignInAsync("guess@shop.example", "guess number " + attempt);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }

        using var limited = await visitor.SignInAsync("guess@shop.example", "guess number 11");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("Too many attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Reading the page is not limited.
        using var page = await visitor.GetAsync("/dashboard/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
