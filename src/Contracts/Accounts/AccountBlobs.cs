namespace TryOn.Contracts.Accounts;

/// <summary>Where an account's own files live: its logo, <c>acct_…/branding/logo-&lt;random&gt;.png</c>.</summary>
public static class AccountBlobs
{
    /// <summary>
    /// A new key for each logo, so a signed link or a queued generation holding the previous key never reads the new
    /// bytes under it; the account deletes the previous logo once it is replaced.
    /// </summary>
    public static string NewLogo(string accountId, bool png) =>
        $"{accountId}/branding/logo-{Guid.NewGuid():N}{(png ? ".png" : ".jpg")}";
}
