using Microsoft.Playwright;

namespace TryOn.Tests.Infrastructure;

/// <summary>Headless Debian Chromium driven by Playwright, for one test: <c>await using var chromium = await ChromiumSession.StartAsync();</c>.</summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private ChromiumSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ChromiumSession> StartAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            return new ChromiumSession(
                playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true }));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
