using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using TryOn.Contracts.People;

namespace TryOn.Grains.People;

/// <summary>
/// One per core on each silo: the analysis runs on the thread pool, never in the grain's turn, so at most as many
/// photos are analysed at once as a silo has cores.
/// </summary>
[StatelessWorker]
internal sealed partial class PersonAnalysisGrain(PersonReader reader, ILogger<PersonAnalysisGrain> logger) : Grain, IPersonAnalysisGrain
{
    public Task<PersonReading> AnalyzeAsync(PersonPhoto photo, bool cropToPortrait, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                var started = Stopwatch.GetTimestamp();
                var reading = reader.Read(photo, cropToPortrait, cancellationToken);
                LogAnalyzed(logger, photo.FrameWidth, photo.FrameHeight, reading.Person.Found, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return reading;
            },
            cancellationToken);

    [LoggerMessage(1, LogLevel.Debug, "Person analysis of a {Width}x{Height} frame: found {Found}, {Milliseconds:0.0} ms")]
    private static partial void LogAnalyzed(ILogger logger, int width, int height, bool found, double milliseconds);
}
