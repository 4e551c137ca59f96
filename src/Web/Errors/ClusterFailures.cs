namespace TryOn.Web.Errors;

/// <summary>
/// The one definition of "the cluster could not reach the grain": its silo died or is restarting, the message was
/// rejected, the connection failed, or the call timed out. Such a call answers 503 SERVICE_UNAVAILABLE
/// (<see cref="ApiExceptionHandler"/>) unless what was asked can be answered without the grain (cached verdicts).
/// </summary>
internal static class ClusterFailures
{
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };
}
