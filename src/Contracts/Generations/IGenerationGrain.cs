
namespace TryOn.Contracts.Generations;

/// <summary>
/// One try-on generation, keyed by its id (<c>gen_…</c>): <c>PENDING → PROCESSING → COMPLETED | FAILED</c>, each
/// transition persisted before it is reported. The credit reserved when it was accepted is charged when it
/// completes and released when it fails, exactly once. Image and engine work never runs here: the silo's inference
/// scheduler does it and calls back.
/// </summary>
[Alias("tryon.generations.IGenerationGrain")]
public interface IGenerationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Admission of a try-on under this id, the gateway's one call (docs/generations.md): resolves the product, chooses
    /// the engine, checks the shopper photo, reserves the credit, keeps the product image, stores the generation as
    /// PENDING and queues it. A refusal holds no credit. Repeated for an id already started, it changes nothing and
    /// answers the generation.
    /// </summary>
    [Alias("Admit")]
    Task<AdmissionResult> AdmitAsync(AdmissionRequest admission, CancellationToken cancellationToken = default);

    /// <summary>The generation as <paramref name="accountId"/> may see it.</summary>
    [Alias("Find")]
    Task<GenerationLookup> FindAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request, for the scheduler's attempt queued under <paramref name="ticket"/>; null when the generation is not
    /// waiting or running, or when it has been queued again since under another ticket (then that attempt runs).
    /// </summary>
    [Alias("BeginAttempt")]
    Task<GenerationRequest?> BeginAttemptAsync(Guid ticket, CancellationToken cancellationToken = default);

    /// <summary>Progress of the running attempt, 0 to 1; kept in memory only. One-way: a lost notice only makes the bar jump.</summary>
    [Alias("ReportProgress"), Orleans.Concurrency.OneWay]
    Task ReportProgressAsync(double progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recovery: an unfinished generation that no scheduler holds is queued again (processing is at least once);
    /// a finished one with its credit not yet settled settles it. Driven by the recovery sweep.
    /// </summary>
    [Alias("Recover")]
    Task RecoverAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The scheduler's hand-off of an attempt still waiting under <paramref name="ticket"/> to a silo with less work:
    /// the grain migrates to <paramref name="silo"/> and queues itself there on arrival. False, and nothing moves, when
    /// the generation has begun or finished or was queued again under another ticket.
    /// </summary>
    [Alias("HandOff")]
    Task<bool> HandOffAsync(Guid ticket, SiloAddress silo, CancellationToken cancellationToken = default);

    /// <summary>
    /// For a caller that does not know whether the generation was stored (its admission failed or timed out, or a
    /// credit is reserved for an id nothing lists): true when the generation exists, and then owns its credit; false
    /// when it does not, and then never will (the id is closed), and a credit reserved for the id on <paramref name="accountId"/> has been given back.
    /// </summary>
    [Alias("Abandon")]
    Task<bool> AbandonIfNotStartedAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Ends the generation; a second outcome changes nothing.</summary>
    [Alias("Finish")]
    Task FinishAsync(GenerationOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erasure of an end user (docs/privacy.md), when this generation is <paramref name="accountId"/>'s and was made for
    /// <paramref name="externalUserId"/>: the shopper photo (and the stored image it came from), the result and the
    /// product copy are deleted and the record stops naming the user; the record itself stays, so lists and stats
    /// keep counting it. An unfinished generation is failed when it next runs or finishes, keeping nothing. True
    /// when this call erased something; idempotent.
    /// </summary>
    [Alias("EraseCustomer")]
    Task<bool> EraseEndUserAsync(string accountId, string externalUserId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: once a finished generation is <c>keepForDays</c> old, deletes its result and product copy (and a
    /// shopper photo that has no image record of its own); the record stays, without a result link. True when this
    /// call removed them.
    /// </summary>
    [Alias("RemoveFilesIfExpired")]
    Task<bool> RemoveFilesIfExpiredAsync(CancellationToken cancellationToken = default);
}
