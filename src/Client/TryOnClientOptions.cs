namespace TryOn.Client;

/// <summary>Settings of a <see cref="TryOnClient"/>.</summary>
public sealed class TryOnClientOptions
{
    /// <summary>The service's address, for example <c>https://tryon.example.com/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The merchant API key (<c>gk_…</c>), sent as <c>x-api-key</c> on API calls only (never to file links).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Retries of a call after a retryable answer or a transport failure (docs/client.md); 0 turns them off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay when the answer has no <c>Retry-After</c>; it doubles each retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the error is thrown with its <c>RetryAfter</c>.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>One attempt's limit; above <c>POST /try-on/sync</c>'s 90 s hold.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>One call's limit, its retries and their waits included.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often <see cref="TryOnClient.WaitForCompletionAsync"/> asks for the generation.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock for polling and signature checks (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (BaseAddress is not { IsAbsoluteUri: true })
        {
            throw new InvalidOperationException("TryOnClientOptions.BaseAddress must be an absolute URI.");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new InvalidOperationException("TryOnClientOptions.ApiKey is required (gk_…).");
        }

        if (MaxRetries < 0)
        {
            throw new InvalidOperationException("TryOnClientOptions.MaxRetries cannot be negative.");
        }
    }
}
