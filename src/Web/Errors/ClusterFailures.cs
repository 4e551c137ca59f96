namespace TryOn.Web.Errors;

/// <summary>
/// The one definition of "the cluster could not reach the grain": its silo died or is restarting, the message was
/// rejected, the connection failed, or the call timed out. Such a call answers 503 SERVICE_UNAVAILABLE
/// (<see cref="ApiExceptionHandler"/>) unless what was asked can be answered without the grain (cached verdicts).
/// </summary>
internal static class ClusterFailures
{
    /// <summary>
    /// How long the gateway waits for a grain read that has an answer without the grain (a poll: the read model; an API
    /// key: its last verdict): a call sent to a silo just before it died waits for the cluster to notice (seconds) or for
    /// Orleans' response timeout (30 s), and neither helps the merchant.
    /// </summary>
    public static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(3);

    /// <summary>The read, or a <see cref="TimeoutException"/> (unreachable) once <see cref="ReadDeadline"/> has passed.</summary>
    public static Task<T> WithinReadDeadline<T>(this Task<T> read, CancellationToken cancellationToken) =>
        read.WaitAsync(ReadDeadline, cancellationToken);

    public static bool IsUnreachable(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };
}
