using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;
using TryOn.Contracts.Telemetry;
using TryOn.Contracts.Webhooks;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations.Admission;
using TryOn.Grains.Inference;
using TryOn.Grains.Persistence;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Generations;

[GenerateSerializer, Alias("tryon.generations.GenerationState")]
internal sealed class GenerationState
{
    [Id(0)] public GenerationRequest? Request { get; set; }
    [Id(1)] public GenerationStatus Status { get; set; }
    [Id(2)] public string? ResultBlobKey { get; set; }
    [Id(3)] public string? ErrorCode { get; set; }
    [Id(4)] public string? ErrorMessage { get; set; }
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(7)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(8)] public int Attempts { get; set; }

    /// <summary>Whether the reserved credit was charged or released; until then the grain keeps trying.</summary>
    [Id(9)] public bool CreditSettled { get; set; }

    /// <summary>Grows with every write, so the read model never takes an older copy.</summary>
    [Id(10)] public long Version { get; set; }

    /// <summary>The id was given up before a generation was stored under it; it can never start.</summary>
    [Id(11)] public bool Abandoned { get; set; }

    /// <summary>
    /// The end user's data was erased (docs/privacy.md): the request no longer names them, their photo is gone, and
    /// nothing made for them may be kept, so an unfinished generation fails instead of storing a result.
    /// </summary>
    [Id(12)] public bool EndUserErased { get; set; }

    /// <summary>When the generation's files (result, product copy) were removed, by retention or erasure.</summary>
    [Id(13)] public DateTimeOffset? FilesRemovedAt { get; set; }

    /// <summary>
    /// The ticket of the last queueing: the only attempt that may begin. A generation queued again elsewhere (its grain
    /// collected while it waited, then woken on another silo) takes a new ticket, so the older queued copy is refused.
    /// </summary>
    [Id(14)] public Guid AttemptTicket { get; set; }

    /// <summary>The silo whose scheduler holds the attempt under <see cref="AttemptTicket"/>.</summary>
    [Id(15)] public SiloAddress? AttemptSilo { get; set; }

    /// <summary>
    /// The generation finished and its webhook event (docs/api.md, "Webhooks") is not yet handed to the account's
    /// endpoints. Set in the same write that makes it terminal, so a silo that dies right after that write still raises
    /// it: the credit is not settled yet either, so the reservation sweep wakes the generation, which recovers both.
    /// </summary>
    [Id(16)] public bool WebhookEventPending { get; set; }

    public bool IsTerminal => Status is GenerationStatus.Completed or GenerationStatus.Failed;

    /// <summary>When retention removes the files of a finished generation: <c>keepForDays</c> after it was created.</summary>
    public DateTimeOffset FilesExpireAt => CreatedAt.AddDays(Request!.KeepForDays);
}

[InferenceLoadPlacement]
internal sealed partial class GenerationGrain(
    [PersistentState("generation", StorageNames.Grains)] IPersistentState<GenerationState> state,
    InferenceScheduler scheduler,
    GenerationAdmission admissions,
    IGenerationReadModel readModel,
    IBlobStore blobs,
    IClusterMembershipService membership,
    ILocalSiloDetails here,
    IOptions<EngineOptions> engines,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<GenerationGrain> logger) : Grain, IGenerationGrain
{
    /// <summary>Attempts before a generation that keeps being interrupted is failed for good.</summary>
    public const int MaxAttempts = 3;

    private static readonly AdmissionRefusal QueueFull = new(
        ErrorCodes.QuotaExceeded,
        "The service is at capacity and cannot queue more generations right now. Retry shortly.",
        new Dictionary<string, object> { ["quota"] = "queue", ["reason"] = "queue_full" });

    private const string ErasedMessage = "The customer's data was erased before the generation finished; nothing was kept.";

    private static readonly TimeSpan SettleRetryInterval = TimeSpan.FromSeconds(10);

    private ReadModelPublisher? _publisher;
    private double _progress;
    private IGrainTimer? _followUpRetry;

    private GenerationState Generation => state.State;

    private string Id => this.GetPrimaryKeyString();

    private ReadModelPublisher Publisher => _publisher ??= new ReadModelPublisher(this, PublishStateAsync, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Generation.Request is not null)
        {
            // In case a previous activation stopped between its write and its publish; a row that is current is left
            // alone, so waking a finished generation (a poll of an old one) writes nothing.
            if (await PublishedVersionAsync(cancellationToken) < Generation.Version)
            {
                await Publisher.PublishAsync();
            }

            await RecoverAsync(cancellationToken);
        }
    }

    public async Task RecoverAsync(CancellationToken cancellationToken = default)
    {
        if (Generation.Request is null)
        {
            return;
        }

        if (!Generation.IsTerminal && !scheduler.IsQueuedOrRunning(Id))
        {
            if (IsRunningElsewhere())
            {
                return;
            }

            // Unfinished and not in this silo's hands (a restart, a silo that is gone, or a grain woken away from the
            // queue that held it): drive it again, under a new ticket, so no older queued copy can begin.
            var ticket = Guid.NewGuid();
            Generation.AttemptTicket = ticket;
            Generation.AttemptSilo = here.SiloAddress;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
            if (scheduler.TryEnqueue(Id, Generation.Request.AccountId, ticket))
            {
                LogRequeued(logger, Id, Generation.Status);
            }
        }
        else if (Generation.IsTerminal && (!Generation.CreditSettled || Generation.WebhookEventPending))
        {
            await FollowUpFinishAsync();
        }
    }

    public async Task<AdmissionResult> AdmitAsync(AdmissionRequest admission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admission);
        if (Generation.Request is not null)
        {
            // A retry of an admitted request (the same Idempotency-Key): its own uploads are not needed.
            await admissions.DiscardAsync(admission);
            return AdmissionResult.Accepted(View());
        }

        if (Generation.Abandoned)
        {
            // Given up (AbandonIfNotStarted): the retry of an idempotent request that did not get through admits anew,
            // under a new id and with the same uploads, so they are left alone.
            return AdmissionResult.Closed;
        }

        // Back-pressure before anything is held; checked again once the credit is (another admission may have taken the last place).
        if (!scheduler.HasRoom)
        {
            await admissions.DiscardAsync(admission);
            return AdmissionResult.Refused(QueueFull);
        }

        var (admitted, refusal) = await admissions.PrepareAsync(Id, admission);
        if (refusal is not null)
        {
            return AdmissionResult.Refused(refusal);
        }

        bool started;
        try
        {
            started = await StartAsync(admitted!.Request);
        }
        catch
        {
            await admissions.UndoAsync(Id, admitted!);
            throw;
        }

        if (!started)
        {
            await admissions.UndoAsync(Id, admitted!);
            return AdmissionResult.Refused(QueueFull);
        }

        return AdmissionResult.Accepted(View());
    }

    public async Task<bool> AbandonIfNotStartedAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (Generation.Request is not null)
        {
            return true;
        }

        if (!Generation.Abandoned)
        {
            Generation.Abandoned = true;
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }

        // An admission that reserved and then lost its activation (its silo died) left the credit held for this id.
        await GrainFactory.GetGrain<IAccountGrain>(accountId).ReleaseAdmissionCreditAsync(Id, CancellationToken.None);
        return false;
    }

    /// <summary>Stores the admitted generation as PENDING and queues it; false, with nothing stored, when the queue is full.</summary>
    private async Task<bool> StartAsync(GenerationRequest request)
    {
        if (!scheduler.HasRoom)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var ticket = Guid.NewGuid();
        state.State = new GenerationState
        {
            Request = request,
            Status = GenerationStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            AttemptTicket = ticket,
            AttemptSilo = here.SiloAddress,
        };
        try
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
        catch
        {
            // Not stored: the activation must not go on as if it were (the caller gives the credit back).
            state.State = new GenerationState();
            throw;
        }

        // Listed before it is queued, so recovery can always find it.
        await Publisher.PublishAsync();
        if (!scheduler.TryEnqueue(Id, request.AccountId, ticket))
        {
            // Lost a race for the last place: recovery queues it once there is room.
            LogQueuedLater(logger, Id);
        }

        return true;
    }

    public Task<GenerationLookup> FindAsync(string accountId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Generation.Request switch
        {
            null => new GenerationLookup(GenerationLookupStatus.NotFound, null),
            { } request when request.AccountId != accountId => new GenerationLookup(GenerationLookupStatus.OtherAccount, null),
            _ => new GenerationLookup(GenerationLookupStatus.Found, View()),
        });

    public async Task<GenerationRequest?> BeginAttemptAsync(Guid ticket, CancellationToken cancellationToken = default)
    {
        if (Generation.Request is null || Generation.IsTerminal)
        {
            return null;
        }

        if (ticket != Generation.AttemptTicket)
        {
            // Queued again elsewhere since this copy was queued: that attempt runs, this one never does.
            LogSuperseded(logger, Id);
            return null;
        }

        if (Generation.EndUserErased)
        {
            await FinishAsync(GenerationOutcome.Failed(ErrorCodes.GenerationFailed, ErasedMessage), cancellationToken);
            return null;
        }

        if (Generation.Attempts >= MaxAttempts)
        {
            await FinishAsync(GenerationOutcome.Failed(ErrorCodes.GenerationFailed, $"The generation was interrupted {MaxAttempts} times and was given up."), cancellationToken);
            return null;
        }

        Generation.Status = GenerationStatus.Processing;
        Generation.Attempts++;
        Generation.UpdatedAt = clock.GetUtcNow();
        Generation.Version++;
        _progress = 0;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
        return Generation.Request;
    }

    public Task<bool> HandOffAsync(Guid ticket, SiloAddress silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (Generation.Request is null || Generation.Status != GenerationStatus.Pending || ticket != Generation.AttemptTicket)
        {
            return Task.FromResult(false);
        }

        // The placement director takes the hint; the new activation queues itself (OnActivateAsync, RecoverAsync).
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        this.MigrateOnIdle();
        LogHandedOff(logger, Id, silo);
        return Task.FromResult(true);
    }

    public Task ReportProgressAsync(double progress, CancellationToken cancellationToken = default)
    {
        if (Generation.Status == GenerationStatus.Processing)
        {
            _progress = Math.Max(_progress, Math.Clamp(progress, 0, 1));
        }

        return Task.CompletedTask;
    }

    public async Task FinishAsync(GenerationOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (Generation.Request is null || Generation.IsTerminal)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (Generation.EndUserErased)
        {
            // Erased while it ran: whatever it made is not kept, and the credit is given back.
            await RemoveOwnFilesAsync(Generation.Request, includingShopperPhoto: false);
            outcome = GenerationOutcome.Failed(ErrorCodes.GenerationFailed, ErasedMessage);
        }

        Generation.Status = outcome.Succeeded ? GenerationStatus.Completed : GenerationStatus.Failed;
        Generation.ResultBlobKey = outcome.ResultBlobKey;
        Generation.ErrorCode = outcome.ErrorCode;
        Generation.ErrorMessage = outcome.ErrorMessage;
        Generation.FinishedAt = now;
        Generation.UpdatedAt = now;
        Generation.WebhookEventPending = true;
        Generation.Version++;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        TryOnMetrics.GenerationFinished(
            Generation.Status.ToString().ToUpperInvariant(), Generation.ErrorCode, Generation.Request.EngineName, now - Generation.CreatedAt);
        await Publisher.PublishAsync();
        LogFinished(logger, Id, Generation.Status, Generation.ErrorCode);
        await FollowUpFinishAsync();
    }

    public async Task<bool> EraseEndUserAsync(string accountId, string externalUserId, CancellationToken cancellationToken = default)
    {
        if (Generation.Request is not { } request || request.AccountId != accountId || request.Shopper.ExternalUserId != externalUserId)
        {
            return false;
        }

        // Files first, then the state that stops naming the end user: a failure in between leaves the generation
        // listed under them, so erasing again finishes the job.
        await blobs.DeleteAsync(request.Shopper.BlobKey, CancellationToken.None);
        if (request.Shopper.ImageId is { } imageId)
        {
            await GrainFactory.GetGrain<IImageGrain>(imageId).EraseAsync(accountId, CancellationToken.None);
        }

        if (Generation.IsTerminal)
        {
            await RemoveOwnFilesAsync(request, includingShopperPhoto: false);
        }

        Generation.Request = request with { Shopper = request.Shopper with { ExternalUserId = null } };
        Generation.EndUserErased = true;
        Generation.Version++;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
        LogErased(logger, Id, Generation.Status);
        return true;
    }

    public async Task<bool> RemoveFilesIfExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (Generation.Request is not { } request || !Generation.IsTerminal || Generation.FilesRemovedAt is not null)
        {
            return false;
        }

        if (clock.GetUtcNow() < Generation.FilesExpireAt)
        {
            // Listed too early (a row back-filled for a generation older than the index): publish the true expiry.
            await Publisher.PublishAsync();
            return false;
        }

        // A photo stored as an image follows that image's own retention; only one without a record goes with us.
        await RemoveOwnFilesAsync(request, includingShopperPhoto: request.Shopper.ImageId is null);
        Generation.Version++;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
        return true;
    }

    /// <summary>
    /// The one removal of the generation's own files (every key its result may have, its copy of the product image and,
    /// when asked, the shopper photo): deletes them, then marks them removed in the state, which the caller writes.
    /// Files first, so a failed write leaves the generation listed with its files due and the next sweep or erasure
    /// finishes the job. Deleting a file that is not there is a no-op, so this is safe to repeat.
    /// </summary>
    private async Task RemoveOwnFilesAsync(GenerationRequest request, bool includingShopperPhoto)
    {
        var keys = GenerationBlobs.PossibleResults(request.AccountId, Id)
            .Concat(request.Product.Images.Select(image => image.StoredBlobKey).OfType<string>()
                .Where(key => GenerationBlobs.IsProductCopy(request.AccountId, Id, key)));
        if (includingShopperPhoto)
        {
            keys = keys.Append(request.Shopper.BlobKey);
        }

        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }

        Generation.ResultBlobKey = null;
        Generation.FilesRemovedAt ??= clock.GetUtcNow();
    }

    /// <summary>
    /// What follows a finish, each once: the webhook event is raised, then the credit is settled, and both are recorded
    /// in one write. Neither waits for the other (a webhook failure never holds a credit); whatever did not succeed is
    /// retried on a timer until it does. Both are idempotent on the other side, so a failed write only repeats them.
    /// </summary>
    private async Task FollowUpFinishAsync()
    {
        var raised = await RaiseWebhookEventAsync();
        var settled = await SettleCreditAsync();
        var written = false;
        try
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
            written = true;
        }
        catch (Exception exception)
        {
            LogSettleFailed(logger, exception, Id);
        }

        if (raised && settled && written)
        {
            _followUpRetry?.Dispose();
            _followUpRetry = null;
        }
        else
        {
            _followUpRetry ??= this.RegisterGrainTimer(
                _ => FollowUpFinishAsync(),
                new GrainTimerCreationOptions(SettleRetryInterval, SettleRetryInterval) { Interleave = false });
        }
    }

    /// <summary>
    /// Hands the finished generation's event to its own account's endpoints (which store a delivery per subscribed
    /// endpoint and return); true once done (the caller writes it). The event's id follows from the generation's, so
    /// raising it again after a failed write names the same event.
    /// </summary>
    private async Task<bool> RaiseWebhookEventAsync()
    {
        if (!Generation.WebhookEventPending)
        {
            return true;
        }

        try
        {
            var raised = WebhookEvents.Finished(View(), Generation.FinishedAt ?? Generation.UpdatedAt);
            await GrainFactory.GetGrain<IWebhookEndpointsGrain>(Generation.Request!.AccountId).RaiseAsync(raised, CancellationToken.None);
            Generation.WebhookEventPending = false;
            return true;
        }
        catch (Exception exception)
        {
            LogWebhookRaiseFailed(logger, exception, Id);
            return false;
        }
    }

    /// <summary>Charges (completed) or releases (failed) the reserved credit, once; true once settled (the caller writes it).</summary>
    private async Task<bool> SettleCreditAsync()
    {
        if (Generation.CreditSettled)
        {
            return true;
        }

        try
        {
            var account = GrainFactory.GetGrain<IAccountGrain>(Generation.Request!.AccountId);
            _ = Generation.Status == GenerationStatus.Completed
                ? await account.ChargeCreditAsync(Id, CancellationToken.None)
                : await account.ReleaseCreditAsync(Id, CancellationToken.None);
            Generation.CreditSettled = true;
            return true;
        }
        catch (Exception exception)
        {
            // The account settles each generation at most once, so retrying is safe.
            LogSettleFailed(logger, exception, Id);
            return false;
        }
    }

    /// <summary>
    /// Whether an attempt may still be running on another silo: the generation is processing there, that silo is alive,
    /// and the attempt's deadline has not passed. Then it is left to that silo; recovery takes over once the silo dies
    /// or the deadline passes.
    /// </summary>
    private bool IsRunningElsewhere() =>
        Generation.Status == GenerationStatus.Processing
        && Generation.AttemptSilo is { } silo
        && !silo.Equals(here.SiloAddress)
        && membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Active
        && clock.GetUtcNow() < Generation.UpdatedAt + engines.Value.AttemptDeadline;

    /// <summary>The version the read model holds; 0 for none, and also when it cannot be read (then it is published again).</summary>
    private async Task<long> PublishedVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await readModel.VersionOfAsync(Id, cancellationToken) ?? 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return 0;
        }
    }

    private Task PublishStateAsync() => readModel.UpsertAsync(
        new GenerationRecord(
            Generation.Request!.AccountId,
            View(),
            Generation.Request.Shopper.ExternalUserId,
            Generation.Version,
            Generation.IsTerminal && Generation.FilesRemovedAt is null ? Generation.FilesExpireAt : null),
        CancellationToken.None);

    private GenerationView View()
    {
        var request = Generation.Request!;
        return new GenerationView(
            Id,
            Generation.Status,
            Generation.Status switch
            {
                GenerationStatus.Completed => 1,
                GenerationStatus.Processing => _progress,
                _ => 0,
            },
            Generation.Status == GenerationStatus.Pending ? scheduler.QueuePositionOf(Id) : null,
            request.Product.ExternalId,
            request.Product.Description,
            Generation.ResultBlobKey,
            Generation.ErrorCode,
            Generation.ErrorMessage,
            Generation.FinishedAt is { } finished ? (long)(finished - Generation.CreatedAt).TotalMilliseconds : null,
            Generation.CreatedAt,
            Generation.UpdatedAt,
            // A photo stored as an image outlives the generation's own files; one without a record went with them.
            Generation.EndUserErased || (Generation.FilesRemovedAt is not null && request.Shopper.ImageId is null) ? null : request.Shopper.BlobKey);
    }

    [LoggerMessage(4, LogLevel.Warning, "Generation {GenerationId} is stored but the queue filled up meanwhile; recovery will queue it")]
    private static partial void LogQueuedLater(ILogger logger, string generationId);

    [LoggerMessage(1, LogLevel.Information, "Generation {GenerationId} was unfinished ({Status}) and is queued again")]
    private static partial void LogRequeued(ILogger logger, string generationId, GenerationStatus status);

    [LoggerMessage(2, LogLevel.Information, "Generation {GenerationId} finished {Status} {ErrorCode}")]
    private static partial void LogFinished(ILogger logger, string generationId, GenerationStatus status, string? errorCode);

    [LoggerMessage(3, LogLevel.Warning, "The credit of generation {GenerationId} could not be settled yet; retrying")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string generationId);

    [LoggerMessage(6, LogLevel.Information, "Generation {GenerationId} was queued again elsewhere; this silo's queued copy is dropped")]
    private static partial void LogSuperseded(ILogger logger, string generationId);

    [LoggerMessage(7, LogLevel.Debug, "Generation {GenerationId} is handed off to silo {Silo}, which has less work")]
    private static partial void LogHandedOff(ILogger logger, string generationId, SiloAddress silo);

    [LoggerMessage(8, LogLevel.Warning, "The webhook event of generation {GenerationId} could not be raised yet; retrying")]
    private static partial void LogWebhookRaiseFailed(ILogger logger, Exception exception, string generationId);

    [LoggerMessage(5, LogLevel.Information, "The customer's data of generation {GenerationId} ({Status}) was erased")]
    private static partial void LogErased(ILogger logger, string generationId, GenerationStatus status);
}
