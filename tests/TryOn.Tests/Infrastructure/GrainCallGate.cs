using System.Collections.Concurrent;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// Holds every call to a closed grain inside that grain's own turn until the test opens it again, so the grain is
/// busy, deterministically, for as long as a test needs. Grains never closed are not touched.
/// </summary>
public sealed class GrainCallGate : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<GrainId, TaskCompletionSource> _closed = new();

    /// <summary>Completes when a call has reached a closed grain and is held there.</summary>
    public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Close(GrainId grain)
    {
        Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _closed[grain] = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open(GrainId grain)
    {
        if (_closed.TryRemove(grain, out var gate))
        {
            gate.TrySetResult();
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (_closed.TryGetValue(context.TargetId, out var gate))
        {
            Entered.TrySetResult();
            await gate.Task;
        }

        await context.Invoke();
    }
}
