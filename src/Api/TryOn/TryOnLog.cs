namespace TryOn.Api.TryOn;

internal static partial class TryOnLog
{
    public const string Category = "TryOn.Api.TryOn";

    [LoggerMessage(1, LogLevel.Warning, "The use of product {ExternalId} by a try-on was not recorded")]
    public static partial void ProductUseNotRecorded(ILogger logger, Exception exception, string externalId);
}
