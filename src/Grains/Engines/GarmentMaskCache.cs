namespace TryOn.Grains.Engines;

/// <summary>
/// The garment masks of the last <c>capacity</c> product images, the least recently used going first when a new one
/// comes in. A mask not cached yet is computed once however many generations ask for it at the same time: the first
/// caller runs the model and the others wait for its result (an ISNet run costs seconds of CPU and over a gigabyte at
/// its peak, so running it twice for the same image would only cost twice).
/// </summary>
internal sealed class GarmentMaskCache
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, float[] Mask)>> _entries = new(StringComparer.Ordinal);

    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<(string Key, float[] Mask)> _recency = new();
    private readonly Dictionary<string, Task<float[]>> _computing = new(StringComparer.Ordinal);

    public GarmentMaskCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The cached mask of <paramref name="key"/>, the result of a computation of it already under way, or the result of
    /// <paramref name="compute"/>, run on the calling thread. A caller whose token is cancelled stops waiting; when the
    /// caller computing the mask is the one cancelled, a caller still waiting computes it instead.
    /// </summary>
    public async Task<float[]> GetOrComputeAsync(string key, Func<CancellationToken, float[]> compute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(compute);
        while (true)
        {
            TaskCompletionSource<float[]>? flight = null;
            Task<float[]>? shared;
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var node))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    return node.Value.Mask;
                }

                if (!_computing.TryGetValue(key, out shared))
                {
                    flight = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _computing.Add(key, flight.Task);
                }
            }

            if (flight is not null)
            {
                return Compute(key, flight, compute, cancellationToken);
            }

            try
            {
                return await shared!.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The caller computing it was stopped (its drain or deadline, not ours): take over.
            }
        }
    }

    private float[] Compute(string key, TaskCompletionSource<float[]> flight, Func<CancellationToken, float[]> compute, CancellationToken cancellationToken)
    {
        float[] mask;
        try
        {
            mask = compute(cancellationToken);
        }
        catch (Exception exception)
        {
            lock (_gate)
            {
                _computing.Remove(key);
            }

            if (exception is OperationCanceledException)
            {
                flight.SetCanceled(CancellationToken.None);
            }
            else
            {
                // The same bytes fail the same way: callers waiting for them get this failure too.
                flight.SetException(exception);
                _ = flight.Task.Exception;
            }

            throw;
        }

        lock (_gate)
        {
            _computing.Remove(key);
            _entries[key] = _recency.AddFirst((key, mask));
            while (_entries.Count > _capacity)
            {
                _entries.Remove(_recency.Last!.Value.Key);
                _recency.RemoveLast();
            }
        }

        flight.SetResult(mask);
        return mask;
    }
}
