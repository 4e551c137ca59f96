using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TryOn.Pipeline.IO;

namespace TryOn.Pipeline.Fetching;

/// <summary>
/// Downloads merchant-supplied image URLs without letting them reach our own network (SSRF). The address rule is
/// applied in the connect callback (<see cref="GuardedConnection"/>), to the address actually being connected to, so
/// DNS tricks (a name that resolves to 127.0.0.1, rebinding between check and use) cannot get around it. Redirects are followed by hand,
/// at most <see cref="SafeImageFetcherOptions.MaxRedirects"/>, each one checked again. The body is read with a cap
/// and everything runs under a connect and a total timeout. Thread-safe; one instance per process.
/// </summary>
public sealed class SafeImageFetcher : IDisposable
{
    private readonly SafeImageFetcherOptions _options;
    private readonly HttpClient _client;

    public SafeImageFetcher(IOptions<SafeImageFetcherOptions> options)
        : this(options, GuardedConnection.RuleOf(options?.Value ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>With an explicit address rule; tests use it to allow one loopback address and refuse another.</summary>
    internal SafeImageFetcher(IOptions<SafeImageFetcherOptions> options, Func<IPAddress, bool> mayConnect)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = GuardedConnection.Callback(mayConnect),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("TryOn-ImageFetcher/1.0");
        _client.DefaultRequestHeaders.Accept.ParseAdd("image/*");
    }

    public async Task<FetchOutcome> FetchAsync(string url, CancellationToken cancellationToken = default)
    {
        if (!TryParse(url, out var uri, out var invalid))
        {
            return invalid;
        }

        if (!PortAllowed(uri))
        {
            return BlockedPort();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.TotalTimeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (IsRedirect(response.StatusCode))
                {
                    if (redirects >= _options.MaxRedirects || response.Headers.Location is not { } location)
                    {
                        return FetchOutcome.Fail(FetchFailure.TooManyRedirects, $"The image URL redirected more than {_options.MaxRedirects} times or without a location.");
                    }

                    if (!TryParse(new Uri(uri, location).ToString(), out uri, out invalid))
                    {
                        return invalid;
                    }

                    if (!PortAllowed(uri))
                    {
                        return BlockedPort();
                    }

                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return FetchOutcome.Fail(FetchFailure.HttpStatus, $"The image URL answered HTTP {(int)response.StatusCode}.");
                }

                return await ReadBodyAsync(response, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchOutcome.Fail(FetchFailure.Timeout, "The image URL took too long to answer.");
        }
        catch (IOException)
        {
            // The body broke off or was malformed (HttpIOException): the host is not serving a usable image.
            return FetchOutcome.Fail(FetchFailure.Unreachable, "The image URL's answer broke off.");
        }
        catch (HttpRequestException exception)
        {
            return exception.InnerException switch
            {
                BlockedAddressException => FetchOutcome.Fail(FetchFailure.BlockedAddress, "The image URL points to an address the server may not reach."),
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } =>
                    FetchOutcome.Fail(FetchFailure.UnknownHost, "The image URL's host name does not resolve."),
                _ => FetchOutcome.Fail(FetchFailure.Unreachable, "The image URL could not be reached."),
            };
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<FetchOutcome> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxBytes)
        {
            return TooLarge();
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var bytes = await BoundedRead.ReadToEndAsync(body, _options.MaxBytes, cancellationToken);
        return bytes is null ? TooLarge() : FetchOutcome.Success(bytes, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Only the web ports, so a URL cannot make us talk HTTP to a mail or database server; any port when testing.</summary>
    private bool PortAllowed(Uri uri) => _options.AllowsPort(uri.Port);

    private static FetchOutcome BlockedPort() =>
        FetchOutcome.Fail(FetchFailure.BlockedAddress, "The image URL uses a port the server may not reach.");

    private FetchOutcome TooLarge() =>
        FetchOutcome.Fail(FetchFailure.TooLarge, $"The image at the URL is larger than {_options.MaxBytes} bytes.");

    private static bool TryParse(string url, out Uri uri, out FetchOutcome failure)
    {
        failure = FetchOutcome.Fail(FetchFailure.InvalidUrl, "The image URL must be an absolute http or https URL without credentials.");
        if (!ImageUrls.TryParse(url, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            uri = null!;
            return false;
        }

        uri = parsed;
        return true;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
