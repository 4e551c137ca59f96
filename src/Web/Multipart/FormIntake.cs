namespace TryOn.Web.Multipart;

/// <summary>
/// Bounds how many multipart forms (the requests that carry images, up to 10 MB a file) the process holds at once,
/// in all and per account. A form takes a place before its body is read and gives it back when its response has
/// been sent; the others wait, their bytes still with the client, so the memory uploads hold grows with
/// <see cref="FormIntakeOptions.MaxConcurrent"/> and not with the number of clients. One account holds at most
/// <see cref="FormIntakeOptions.PlacesPerAccount"/> places, so its slow uploads leave the rest to others, and
/// no form waits longer than <see cref="FormIntakeOptions.PlaceWait"/>. JSON requests never wait here. A caller done
/// with a form's bytes before its response (a synchronous try-on waiting for its result) gives the place back early
/// by disposing the form.
/// </summary>
internal sealed class FormIntake(Microsoft.Extensions.Options.IOptions<FormIntakeOptions> options)
{
    private readonly FormIntakeOptions _options = options.Value;
    private readonly SemaphoreSlim _places = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);
    private readonly Lock _gate = new();
    /// <summary>Each account's places, while any of its forms holds or waits for one.</summary>
    private readonly Dictionary<string, AccountPlaces> _accounts = new(StringComparer.Ordinal);

    /// <summary>Places free now.</summary>
    public int FreePlaces => _places.CurrentCount;

    /// <summary>When a form refused for want of a place should come back: places turn over within a body's deadline.</summary>
    public TimeSpan RetryAfter => TimeSpan.FromSeconds(Math.Clamp(_options.PlaceWait.TotalSeconds / 2, 1, 10));

    /// <summary>
    /// Waits for a place of the account and one of the process, at most <see cref="FormIntakeOptions.PlaceWait"/>;
    /// null when none came free in time. The place is given back when disposed, and at the latest when the
    /// response completes.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(HttpContext context, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(_options.PlaceWait);
        var account = Join(accountId);
        var holdsAccountPlace = false;
        try
        {
            await account.Places.WaitAsync(patience.Token);
            holdsAccountPlace = true;
            await _places.WaitAsync(patience.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Leave(account, holdsAccountPlace);
            return null;
        }
        catch
        {
            Leave(account, holdsAccountPlace);
            throw;
        }

        var place = new Place(this, account);
        context.Response.RegisterForDispose(place);
        return place;
    }

    private AccountPlaces Join(string accountId)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(accountId, out var account))
            {
                account = new AccountPlaces(accountId, _options.PlacesPerAccount);
                _accounts.Add(accountId, account);
            }

            account.Users++;
            return account;
        }
    }

    private void Leave(AccountPlaces account, bool holdsPlace)
    {
        if (holdsPlace)
        {
            account.Places.Release();
        }

        lock (_gate)
        {
            if (--account.Users == 0)
            {
                _accounts.Remove(account.AccountId);
                account.Places.Dispose();
            }
        }
    }

    private sealed class AccountPlaces(string accountId, int places)
    {
        public string AccountId { get; } = accountId;

        public SemaphoreSlim Places { get; } = new(places, places);

        /// <summary>Forms holding or waiting for one of the places (under the intake's lock).</summary>
        public int Users { get; set; }
    }

    private sealed class Place(FormIntake intake, AccountPlaces account) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                intake._places.Release();
                intake.Leave(account, holdsPlace: true);
            }
        }
    }
}

internal sealed class FormIntakeOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Multipart forms read and processed at once; the default is twice the processor count, at least 4.</summary>
    public int MaxConcurrent { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Of those, how many one account may hold; by default half of <see cref="MaxConcurrent"/>.</summary>
    public int? MaxConcurrentPerAccount { get; set; }

    public int PlacesPerAccount => MaxConcurrentPerAccount ?? Math.Max(1, MaxConcurrent / 2);

    /// <summary>How long a form waits for a place before it is refused with 503 <c>SERVICE_UNAVAILABLE</c> and <c>Retry-After</c>.</summary>
    public TimeSpan PlaceWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long reading a whole request body may take; a slower body is cut off with 408 <c>REQUEST_TIMEOUT</c>.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
