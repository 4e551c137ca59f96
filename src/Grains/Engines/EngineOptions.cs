namespace TryOn.Grains.Engines;

/// <summary>Settings of the engines and the inference scheduler (configuration section <c>Engines</c>).</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Engines";

    /// <summary>How long the mock engine takes.</summary>
    public TimeSpan MockDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Generations that may wait on one silo; beyond it, new ones are refused at admission.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>Generations running at once on one silo (per device).</summary>
    public int Slots { get; set; } = 1;

    /// <summary>How long one attempt may run before it fails with GENERATION_FAILED.</summary>
    public TimeSpan AttemptDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When the silo stops: how long running attempts may go on finishing before they are abandoned (they are then
    /// driven again on another silo). Queued generations are handed back at once. Keep it under the host's shutdown
    /// timeout.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How old a credit reservation must be before the recovery sweep reconciles it (settles it through its
    /// generation, or releases it when no generation was stored): far longer than accepting a try-on takes, since a
    /// reservation younger than this may belong to a request still being admitted.
    /// </summary>
    public TimeSpan ReservationGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The engine to use for a category, by name, instead of the default (the engine registered last for it): for
    /// example <c>Engines:Categories:tops=composite</c> puts tops back on the composite engine. Checked at start: the
    /// engine must be installed and dress that category.
    /// </summary>
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Validate()
    {
        if (MockDuration < TimeSpan.Zero || MockDuration > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:{nameof(MockDuration)} must be between 0 and 1 minute.";
        }

        if (QueueCapacity is < 1 or > 100_000)
        {
            yield return $"{SectionName}:{nameof(QueueCapacity)} must be between 1 and 100000.";
        }

        if (Slots is < 1 or > 64)
        {
            yield return $"{SectionName}:{nameof(Slots)} must be between 1 and 64.";
        }

        if (AttemptDeadline < TimeSpan.FromSeconds(1) || AttemptDeadline > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(AttemptDeadline)} must be between 1 second and 1 hour.";
        }

        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{SectionName}:{nameof(DrainTimeout)} must be between 0 and 10 minutes.";
        }

        if (ReservationGrace < TimeSpan.FromSeconds(1) || ReservationGrace > TimeSpan.FromDays(1))
        {
            yield return $"{SectionName}:{nameof(ReservationGrace)} must be between 1 second and 1 day.";
        }
    }
}
