using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TryOn.Contracts;
using TryOn.Contracts.Webhooks;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Webhooks;

[GenerateSerializer, Alias("tryon.webhooks.WebhookDeliveryState")]
internal sealed class WebhookDeliveryState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string EndpointId { get; set; } = "";

    /// <summary>The event as raised; null while the delivery was never started.</summary>
    [Id(2)] public WebhookEvent? Event { get; set; }

    [Id(3)] public WebhookDeliveryStatus Status { get; set; }

    /// <summary>Requests sent (answered or not).</summary>
    [Id(4)] public int Attempts { get; set; }

    /// <summary>The start of the retry window.</summary>
    [Id(5)] public DateTimeOffset? FirstAttemptAt { get; set; }

    [Id(6)] public DateTimeOffset NextAttemptAt { get; set; }
    [Id(7)] public string? LastError { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The single writer of one delivery. Its reminder (once a minute, in the cluster's reminder table) keeps it alive or
/// wakes it on another silo until it ends; a grain timer makes each attempt at its due time. Every attempt is written
/// before it is reported, and reported to the endpoint's list after. At least once: a silo that dies after the endpoint
/// answered but before the write sends the same event (same id) again.
/// </summary>
internal sealed partial class WebhookDeliveryGrain(
    [PersistentState("webhook-delivery", StorageNames.Grains)] IPersistentState<WebhookDeliveryState> state,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<WebhookDeliveryGrain> logger) : Grain, IWebhookDeliveryGrain, IRemindable
{
    private const string ReminderName = "webhook-delivery";

    /// <summary>Orleans' shortest reminder period.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private IGrainTimer? _timer;

    private WebhookDeliveryState Delivery => state.State;

    private bool IsPending => Delivery.Event is not null && Delivery.Status == WebhookDeliveryStatus.Pending;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsPending)
        {
            ScheduleNextLook();
        }

        return Task.CompletedTask;
    }

    public async Task StartAsync(string accountId, string endpointId, WebhookEvent webhookEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (Delivery.Event is not null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        state.State = new WebhookDeliveryState
        {
            AccountId = accountId,
            EndpointId = endpointId,
            Event = webhookEvent,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await ResumeAsync(cancellationToken);
    }

    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (IsPending)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod, cancellationToken);
            ScheduleNextLook();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (IsPending)
        {
            // The activation may be new (the reminder woke it): OnActivateAsync scheduled its look already.
            return;
        }

        await StopRemindingAsync();
    }

    /// <summary>The grain timer, due at the next attempt or after <see cref="WebhookOptions.CheckInterval"/>, whichever is sooner.</summary>
    private void ScheduleNextLook()
    {
        var due = Delivery.NextAttemptAt - clock.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > options.Value.CheckInterval ? options.Value.CheckInterval : due;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(LookAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task LookAsync(CancellationToken cancellationToken)
    {
        if (!IsPending)
        {
            return;
        }

        try
        {
            if (clock.GetUtcNow() >= Delivery.NextAttemptAt)
            {
                await AttemptAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not an attempt (the endpoint list or the storage could not be reached): look again shortly.
            LogNotAttempted(logger, exception, this.GetPrimaryKeyString());
        }

        if (IsPending)
        {
            ScheduleNextLook();
        }
    }

    private async Task AttemptAsync(CancellationToken cancellationToken)
    {
        var endpoints = GrainFactory.GetGrain<IWebhookEndpointsGrain>(Delivery.AccountId);
        var target = await endpoints.TargetOfAsync(Delivery.EndpointId, cancellationToken);
        if (target is null)
        {
            // The endpoint was deleted: nothing more is sent, and there is no list left to report to.
            Delivery.Status = WebhookDeliveryStatus.Failed;
            Delivery.LastError = "The endpoint was deleted.";
            await state.WriteOrReloadAsync(DeactivateOnIdle);
            await StopRemindingAsync();
            return;
        }

        var now = clock.GetUtcNow();
        Delivery.FirstAttemptAt ??= now;
        var error = await sender.SendAsync(target, Delivery.Event!, cancellationToken);
        Delivery.Attempts++;
        Delivery.LastError = error;
        if (error is null)
        {
            Delivery.Status = WebhookDeliveryStatus.Delivered;
        }
        else if (WebhookRetrySchedule.NextAttempt(Delivery.FirstAttemptAt.Value, clock.GetUtcNow(), Delivery.Attempts, Random.Shared.NextDouble()) is { } next)
        {
            Delivery.NextAttemptAt = next;
        }
        else
        {
            Delivery.Status = WebhookDeliveryStatus.Failed;
        }

        await state.WriteOrReloadAsync(DeactivateOnIdle);
        LogAttempted(logger, this.GetPrimaryKeyString(), Delivery.Attempts, Delivery.Status);
        if (!IsPending)
        {
            await StopRemindingAsync();
        }

        try
        {
            await endpoints.RecordAsync(Delivery.EndpointId, View(), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The list catches up with the next attempt's report; the delivery itself is stored.
            LogReportFailed(logger, exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>Ended: the reminder goes. The timer is one-shot and is not armed again (disposing it here would cancel the running look).</summary>
    private async Task StopRemindingAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private WebhookDelivery View() => new(
        Delivery.Event!.Id,
        Delivery.Event.Type,
        Delivery.Event.Generation.GenerationId,
        Delivery.Status,
        Delivery.Attempts,
        Delivery.LastError,
        IsPending ? Delivery.NextAttemptAt : null,
        Delivery.CreatedAt);

    [LoggerMessage(1, LogLevel.Information, "Webhook delivery {DeliveryId}: attempt {Attempts}, now {Status}")]
    private static partial void LogAttempted(ILogger logger, string deliveryId, int attempts, WebhookDeliveryStatus status);

    [LoggerMessage(2, LogLevel.Warning, "Webhook delivery {DeliveryId} could not be attempted now; it looks again shortly")]
    private static partial void LogNotAttempted(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(3, LogLevel.Warning, "Webhook delivery {DeliveryId} could not report to its endpoint's list")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string deliveryId);
}
