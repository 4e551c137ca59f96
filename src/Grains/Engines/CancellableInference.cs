using Microsoft.ML.OnnxRuntime;

namespace TryOn.Grains.Engines;

/// <summary>
/// Runs an <see cref="InferenceSession"/> under a <see cref="CancellationToken"/>. ONNX Runtime stops a run through
/// <see cref="RunOptions.Terminate"/> and reports it as an <see cref="OnnxRuntimeException"/>, like any engine failure;
/// the inference scheduler tells a drain or a deadline from a failure by <see cref="OperationCanceledException"/>, so a
/// run stopped by its token must surface as one (a drained generation is driven again, not failed).
/// </summary>
internal static class CancellableInference
{
    public static IDisposableReadOnlyCollection<OrtValue> Run(
        this InferenceSession session,
        IReadOnlyDictionary<string, OrtValue> inputs,
        IReadOnlyCollection<string> outputNames,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Run(runOptions => session.Run(runOptions, inputs, outputNames), cancellationToken);
    }

    /// <summary>The cancellation around <paramref name="run"/>, which must pass the options it gets to the session.</summary>
    internal static T Run<T>(Func<RunOptions, T> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        // Disposed before the options, and waits for a callback under way, so Terminate never touches freed options.
        using var terminate = cancellationToken.Register(static options => ((RunOptions)options!).Terminate = true, runOptions);
        try
        {
            return run(runOptions);
        }
        catch (OnnxRuntimeException exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The inference run was cancelled.", exception, cancellationToken);
        }
    }
}
