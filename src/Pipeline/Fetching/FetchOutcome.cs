namespace TryOn.Pipeline.Fetching;

/// <summary>Why a fetch failed. Callers turn every one into their fetch-failed error code.</summary>
public enum FetchFailure
{
    /// <summary>Not an absolute http or https URL, or one with user credentials.</summary>
    InvalidUrl,

    /// <summary>The host resolves only to addresses we refuse to reach (loopback, private, link-local…).</summary>
    BlockedAddress,

    /// <summary>The host name does not resolve.</summary>
    UnknownHost,

    /// <summary>No connection could be made, or it broke.</summary>
    Unreachable,

    /// <summary>Connecting or the whole download took too long.</summary>
    Timeout,

    /// <summary>The server answered with a status other than 2xx.</summary>
    HttpStatus,

    /// <summary>More redirects than allowed, or a redirect without a usable location.</summary>
    TooManyRedirects,

    /// <summary>The body is larger than the limit.</summary>
    TooLarge,
}

/// <summary>The downloaded bytes, or why there are none. <see cref="Message"/> is safe to show to the merchant.</summary>
public sealed record FetchOutcome(byte[]? Bytes, string? ContentType, FetchFailure? Failure, string? Message)
{
    public bool Succeeded => Failure is null;

    public static FetchOutcome Success(byte[] bytes, string? contentType) => new(bytes, contentType, null, null);

    public static FetchOutcome Fail(FetchFailure failure, string message) => new(null, null, failure, message);
}
