namespace TryOn.Tests.Infrastructure;

/// <summary>
/// A fact that drives Debian's Chromium through Playwright (<c>/usr/bin/chromium</c>, or <c>TRYON_CHROMIUM</c>), never a
/// browser Playwright downloads. test.sh installs it. Where it is missing the test is skipped with the reason, except
/// under CI (<c>CI</c> set), where it runs and fails: CI never passes without the browser check.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath) && !RunningInCi)
        {
            Skip = $"Chromium is not installed at {ExecutablePath} (apt-get install -y chromium, or run ./test.sh, which installs it).";
        }
    }

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("TRYON_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    private static bool RunningInCi =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } value && !value.Equals("false", StringComparison.OrdinalIgnoreCase);
}
