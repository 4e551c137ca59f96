using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Contracts.Billing;
using TryOn.Contracts.Ids;
using TryOn.Contracts.RateLimits;
using TryOn.Contracts.Telemetry;
using TryOn.Grains.Persistence;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Accounts;

internal sealed partial class AccountGrain(
    [PersistentState("account", StorageNames.Grains)] IPersistentState<AccountState> state,
    IAccountReadModel readModel,
    IBlobStore blobs,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    /// <summary>How long a change of the stored bytes may wait for a commit of its own (other commits take it sooner).</summary>
    private static readonly TimeSpan StoredBytesWriteDelay = TimeSpan.FromSeconds(5);

    private ReadModelPublisher? _publisher;
    private IGrainTimer? _storedBytesWrite;
    private bool _storedBytesUnsaved;

    private AccountState Account => state.State;

    // The rules live in plain classes over the state; made afresh per use because a reload replaces the state object.
    private CreditLedger Ledger => new(Account);

    private BillingHistory Billing => new(Account, Ledger);

    private ApiKeyRing Keys => new(Account);

    private ReadModelPublisher Publisher => _publisher ??= new ReadModelPublisher(this, PublishStateAsync, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Account.Created)
        {
            // A state written before the storage quota existed has none; the next commit stores the default.
            Account.Limits = Account.Limits.WithStorageDefault();

            // A previous activation may have stopped between committing and publishing (or telling key indexes).
            await PublishAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_storedBytesUnsaved)
        {
            await CommitAsync(timeProvider.GetUtcNow());
        }
    }

    public async Task<AccountSnapshot> CreateAsync(NewAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Account.Created)
        {
            return Snapshot();
        }

        var now = timeProvider.GetUtcNow();
        Account.Created = true;
        Account.Name = account.Name;
        Account.Active = true;
        Account.Limits = AccountLimits.Default.With(account.Limits);
        Account.RetentionDays = account.RetentionDays ?? AccountDefaults.RetentionDays;
        Account.CreatedAt = now;
        if (account.InitialCredits > 0)
        {
            Ledger.Adjust(account.InitialCredits, "Initial credits", now);
        }

        await CommitAsync(now);
        LogAccountCreated(logger, this.GetPrimaryKeyString(), account.InitialCredits);
        return Snapshot();
    }

    public Task<AccountSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Account.Created ? Snapshot() : null);

    public async Task<AccountSnapshot?> UpdateAsync(AccountChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!Account.Created)
        {
            return null;
        }

        var limitsBefore = Account.Limits;
        Account.Name = changes.Name ?? Account.Name;
        Account.Limits = Account.Limits.With(changes.Limits);
        Account.RetentionDays = changes.RetentionDays ?? Account.RetentionDays;
        if (changes.Active is { } active)
        {
            Keys.SetAccountActive(active);
        }

        await CommitAsync(timeProvider.GetUtcNow());
        if (Account.Limits != limitsBefore)
        {
            // A one-way call returns at once: the rate-limit grain reads this account when it activates, so waiting
            // for it here could deadlock.
            await GrainFactory.GetGrain<IRateLimitGrain>(this.GetPrimaryKeyString()).ApplyLimitsAsync(Account.Limits, Account.Version);
        }

        if (changes.Active is not null && Keys.HasUnannounced)
        {
            throw KeysNotYetAnnounced();
        }

        return Snapshot();
    }

    public async Task<CreditAdjustmentResult> AdjustCreditsAsync(long amount, string reason, CancellationToken cancellationToken = default)
    {
        if (!Account.Created)
        {
            return new(CreditAdjustmentStatus.AccountNotFound, null, null);
        }

        var now = timeProvider.GetUtcNow();
        if (Ledger.Adjust(amount, reason, now) is not { } entry)
        {
            return new(CreditAdjustmentStatus.InsufficientCredits, Snapshot(), null);
        }

        await CommitAsync(now);
        return new(CreditAdjustmentStatus.Applied, Snapshot(), entry);
    }

    public async Task<CreditReservation> ReserveCreditAsync(string generationId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var reservation = Ledger.Reserve(generationId, now);
        if (reservation.Status == CreditReservationStatus.Reserved)
        {
            await CommitAsync(now);
            TryOnMetrics.CreditMoved(TryOnMetrics.CreditMovement.Reserved);
        }
        else if (reservation.Status != CreditReservationStatus.AlreadyReserved)
        {
            TryOnMetrics.CreditRefused(reservation.Status.ToString());
        }

        return reservation;
    }

    public Task<IReadOnlyList<string>> ListOpenReservationsAsync(DateTimeOffset reservedBefore, CancellationToken cancellationToken = default) =>
        Task.FromResult(Ledger.OpenBefore(reservedBefore));

    public async Task<CreditSettlement> ChargeCreditAsync(string generationId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return await CommitIfSettledAsync(Ledger.Charge(generationId, now), now);
    }

    public async Task<CreditSettlement> ReleaseCreditAsync(string generationId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return await CommitIfSettledAsync(Ledger.Release(generationId, now), now);
    }

    public async Task<CreditSettlement> ReleaseAdmissionCreditAsync(string generationId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return await CommitIfSettledAsync(Ledger.ReleaseAdmission(generationId, now), now);
    }

    public async Task<BillingEventResult> ApplyPurchaseAsync(Purchase purchase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(purchase.Credits);
        if (!Account.Created)
        {
            return new(BillingEventOutcome.AccountNotFound);
        }

        if (Billing.Refusal(purchase) is { } refusal)
        {
            return refusal;
        }

        if (purchase.PaymentId is { } paymentId)
        {
            // The owner is recorded first: a crash in between leaves an owner without a purchase, which a refund
            // treats as unknown, never a purchase whose refund cannot find its account.
            var owner = GrainFactory.GetGrain<IPaymentOwnerGrain>(PaymentOwners.GrainKey(paymentId));
            if (!await owner.RegisterAsync(this.GetPrimaryKeyString(), cancellationToken))
            {
                throw new InvalidOperationException($"Payment {paymentId} already belongs to another account.");
            }
        }

        var now = timeProvider.GetUtcNow();
        var result = Billing.ApplyPurchase(purchase, now);
        await CommitAsync(now);
        return result;
    }

    public async Task<BillingEventResult> ApplyRefundAsync(Refund refund, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refund);
        if (!Account.Created)
        {
            return new(BillingEventOutcome.AccountNotFound);
        }

        var now = timeProvider.GetUtcNow();
        var result = Billing.ApplyRefund(refund, now);
        if (result.Outcome == BillingEventOutcome.Applied)
        {
            await CommitAsync(now);
        }

        return result;
    }

    public async Task<AccountSnapshot?> SetLogoAsync(string? logoBlobKey, CancellationToken cancellationToken = default)
    {
        if (!Account.Created)
        {
            return null;
        }

        var replaced = Account.LogoBlobKey;
        Account.LogoBlobKey = logoBlobKey;
        await CommitAsync(timeProvider.GetUtcNow());
        if (replaced is not null && replaced != logoBlobKey)
        {
            DeleteReplacedLogo(replaced);
        }

        return Snapshot();
    }

    /// <summary>
    /// Deletes a logo no longer the account's, once the change is saved. Off this grain's turn: the metered store
    /// reports the freed bytes to this very account, a call that a turn awaiting it would never see answered.
    /// Generations queued with the old key stamp the account's current logo instead (<c>GenerationExecutor</c>). A
    /// crash before the deletion leaves the old file (a leak, never a wrong stamp).
    /// </summary>
    private void DeleteReplacedLogo(string blobKey)
    {
        var accountId = this.GetPrimaryKeyString();
        _ = Task.Run(async () =>
        {
            try
            {
                await blobs.DeleteAsync(blobKey, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogReplacedLogoNotDeleted(logger, exception, accountId, blobKey);
            }
        });
    }

    public Task<StorageCheck?> CheckStorageAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return Task.FromResult(Account.Created
            ? new StorageCheck(bytes <= Account.Limits.StorageBytes - Account.StoredBytes, Account.StoredBytes, Account.Limits.StorageBytes, bytes)
            : null);
    }

    public Task RecordStoredBytesAsync(long change, CancellationToken cancellationToken = default)
    {
        if (!Account.Created || change == 0)
        {
            return Task.CompletedTask;
        }

        // Counted at once (quota checks read the count in memory) and written within a few seconds, with whatever else
        // commits meanwhile: a try-on stores several files, and none of them is worth a commit of the account, which
        // is the single writer of money. A crash loses at most those seconds of counting.
        Account.StoredBytes = Math.Max(0, Account.StoredBytes + change);
        _storedBytesUnsaved = true;
        _storedBytesWrite ??= this.RegisterGrainTimer(
            WriteStoredBytesAsync, new GrainTimerCreationOptions(StoredBytesWriteDelay, Timeout.InfiniteTimeSpan) { Interleave = false });
        return Task.CompletedTask;
    }

    private async Task WriteStoredBytesAsync(CancellationToken cancellationToken)
    {
        _storedBytesWrite?.Dispose();
        _storedBytesWrite = null;
        if (_storedBytesUnsaved)
        {
            await CommitAsync(timeProvider.GetUtcNow());
        }
    }

    public Task<CreditBalance?> GetCreditsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Account.Created ? Ledger.Balance : null);

    public async Task<IssuedApiKey?> IssueApiKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Account.Created)
        {
            return null;
        }

        var secret = ApiKeySecret.Create();
        var now = timeProvider.GetUtcNow();
        var record = ApiKeyRing.NewRecord(ResourceIds.NewApiKeyId(timeProvider), name, secret, now);

        // The index entry is written first: a crash in between leaves an entry whose key the account does not know,
        // which stays refused, never a key that cannot be found. It becomes valid when the commit tells it.
        if (!await IndexOf(record).RegisterAsync(new ApiKeyOwner(this.GetPrimaryKeyString(), record.KeyId), cancellationToken))
        {
            throw new InvalidOperationException("A freshly generated API key collided with an existing one.");
        }

        Keys.Add(record);
        await CommitAsync(now);
        LogApiKeyIssued(logger, this.GetPrimaryKeyString(), record.KeyId, record.Prefix);

        // Not refused when the index could not be told yet: the secret is in this answer only, and the retry makes
        // the key valid within seconds.
        return new IssuedApiKey(record.ToInfo(), secret);
    }

    public Task<IReadOnlyList<ApiKeyInfo>?> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Account.Created ? Keys.List() : null);

    public async Task<ApiKeyRevocation> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (!Account.Created)
        {
            return ApiKeyRevocation.AccountNotFound;
        }

        var now = timeProvider.GetUtcNow();
        var revocation = Keys.Revoke(keyId, now);
        if (revocation == ApiKeyRevocation.Revoked)
        {
            await CommitAsync(now);
            LogApiKeyRevoked(logger, this.GetPrimaryKeyString(), keyId);
        }
        else if (revocation == ApiKeyRevocation.AlreadyRevoked && Keys.IsUnannounced(keyId))
        {
            // A repeated revocation whose index was not told the first time tries again rather than waiting for the timer.
            await PublishAsync();
        }

        return Keys.IsUnannounced(keyId) ? throw KeysNotYetAnnounced() : revocation;
    }

    public async Task<ApiKeyCheck> CheckApiKeyAsync(string keyId, byte[] keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        if (!Account.Created)
        {
            return ApiKeyCheck.AccountNotFound;
        }

        var check = Keys.Check(keyId, keyHash);
        if (check != ApiKeyCheck.UnknownKey && Keys.Find(keyId) is { } key)
        {
            // Authentication asks here only when the key's index predates standings: tell it, so it answers alone from now on.
            await TellIndexAsync(key);
        }

        if (check == ApiKeyCheck.Valid)
        {
            await RecordApiKeyUseAsync(keyId, cancellationToken);
        }

        return check;
    }

    public async Task RecordApiKeyUseAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (!Keys.RecordUse(keyId, timeProvider.GetUtcNow()))
        {
            return;
        }

        try
        {
            await PersistAsync();
        }
        catch (Exception exception)
        {
            // Bookkeeping only: a valid key stays valid when its last-use time cannot be saved.
            LogLastUsedNotSaved(logger, exception, this.GetPrimaryKeyString(), keyId);
        }
    }

    private async Task<CreditSettlement> CommitIfSettledAsync(CreditSettlement settlement, DateTimeOffset now)
    {
        if (settlement != CreditSettlement.NothingOpen)
        {
            await CommitAsync(now);
            TryOnMetrics.CreditMoved(settlement == CreditSettlement.Charged ? TryOnMetrics.CreditMovement.Charged : TryOnMetrics.CreditMovement.Released);
        }

        return settlement;
    }

    /// <summary>Persists the change, then tells the key indexes and the read model.</summary>
    private async Task CommitAsync(DateTimeOffset now)
    {
        Account.UpdatedAt = now;
        Account.Version++;
        _storedBytesUnsaved = false;
        await PersistAsync();
        await PublishAsync();
    }

    private async Task PersistAsync()
    {
        try
        {
            await state.WriteOrReloadAsync(DeactivateOnIdle);
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, this.GetPrimaryKeyString());
            throw;
        }
    }

    private Task PublishAsync() => Publisher.PublishAsync();

    private async Task PublishStateAsync()
    {
        // The key indexes first: they decide authentication, the read model only lists.
        foreach (var key in Keys.Unannounced())
        {
            await TellIndexAsync(key);
            Keys.Announced(key.KeyId);
        }

        await readModel.PublishAsync(Snapshot(), Account.UnpublishedLedger, CancellationToken.None);
        // Cleared in memory only: the next write persists it, and until then a re-publish is an idempotent no-op.
        Account.UnpublishedLedger.Clear();
    }

    /// <summary>
    /// A revocation or a change of the active flag is answered only once the keys' indexes know it: otherwise the
    /// caller hears of the failure (the change is saved, and the outbox keeps telling the indexes until they know).
    /// </summary>
    private static InvalidOperationException KeysNotYetAnnounced() =>
        new("The change is saved, but not every API key's index knows it yet; telling them is retried.");

    private IApiKeyGrain IndexOf(ApiKeyRecord key) => GrainFactory.GetGrain<IApiKeyGrain>(ApiKeySecret.IndexGrainKey(key.Hash));

    /// <summary>Sets the key's standing in its index; a write, so never cancelled by the caller.</summary>
    private Task TellIndexAsync(ApiKeyRecord key) =>
        IndexOf(key).SetStandingAsync(new ApiKeyOwner(this.GetPrimaryKeyString(), key.KeyId), Keys.StandingOf(key), CancellationToken.None);

    private AccountSnapshot Snapshot() => new(
        this.GetPrimaryKeyString(),
        Account.Name,
        Account.Active,
        Account.CreditBalance,
        Account.ReservedCredits,
        Account.Limits,
        Account.RetentionDays,
        Account.CreatedAt,
        Account.UpdatedAt,
        Account.Version,
        Account.LogoBlobKey,
        Account.StoredBytes);

    [LoggerMessage(1, LogLevel.Information, "Account {AccountId} created with {Credits} credits")]
    private static partial void LogAccountCreated(ILogger logger, string accountId, long credits);

    [LoggerMessage(2, LogLevel.Information, "API key {KeyId} ({Prefix}…) issued for account {AccountId}")]
    private static partial void LogApiKeyIssued(ILogger logger, string accountId, string keyId, string prefix);

    [LoggerMessage(3, LogLevel.Information, "API key {KeyId} of account {AccountId} revoked")]
    private static partial void LogApiKeyRevoked(ILogger logger, string accountId, string keyId);

    [LoggerMessage(5, LogLevel.Error, "Writing account {AccountId} failed; the stored state is reloaded and the change reported as failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string accountId);

    [LoggerMessage(6, LogLevel.Warning, "The last-use time of key {KeyId} of account {AccountId} was not saved")]
    private static partial void LogLastUsedNotSaved(ILogger logger, Exception exception, string accountId, string keyId);

    [LoggerMessage(7, LogLevel.Warning, "The replaced logo {BlobKey} of account {AccountId} was not deleted")]
    private static partial void LogReplacedLogoNotDeleted(ILogger logger, Exception exception, string accountId, string blobKey);
}
