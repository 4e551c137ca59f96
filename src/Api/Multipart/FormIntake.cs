namespace TryOn.Api.Multipart;

/// <summary>
/// Bounds how many multipart forms (the requests that carry images, up to 10 MB a file) the process holds at once.
/// A form takes a place before its body is read and gives it back when its response has been sent; the others wait,
/// their bytes still with the client, so the memory uploads hold grows with <see cref="FormIntakeOptions.MaxConcurrent"/>
/// and not with the number of clients. JSON requests never wait here. A caller done with a form's bytes before its
/// response (a synchronous try-on waiting for its result) gives the place back early by disposing the form.
/// </summary>
internal sealed class FormIntake(Microsoft.Extensions.Options.IOptions<FormIntakeOptions> options)
{
    private readonly SemaphoreSlim _places = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);

    /// <summary>Places free now.</summary>
    public int FreePlaces => _places.CurrentCount;

    /// <summary>Waits for a place; it is given back when disposed, and at the latest when the response completes.</summary>
    public async Task<IDisposable> EnterAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await _places.WaitAsync(cancellationToken);
        var place = new Place(_places);
        context.Response.RegisterForDispose(place);
        return place;
    }

    private sealed class Place(SemaphoreSlim places) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                places.Release();
            }
        }
    }
}

internal sealed class FormIntakeOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Multipart forms read and processed at once; the default is twice the processor count, at least 4.</summary>
    public int MaxConcurrent { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);
}
