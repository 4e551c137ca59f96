using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Stripe;
using TryOn.Contracts.Errors;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.Billing;

/// <summary>Buying credit packs: what is on sale, and a Stripe Checkout link for one pack.</summary>
internal static partial class CheckoutEndpoints
{
    public static RouteGroupBuilder MapCheckoutEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/account").WithTags("Billing");
        group.MapGet("/packs", ListPacks)
            .WithName("ListCreditPacks")
            .WithSummary("List credit packs")
            .WithDescription("The credit packs on sale, and whether buying is enabled on this server.");
        group.MapPost("/checkout", StartCheckoutAsync).Validate<CheckoutRequest>()
            .WithName("StartCheckout")
            .WithSummary("Buy a credit pack")
            .WithDescription("A Stripe Checkout link for one credit pack; the credits are added when the payment succeeds.")
            .ProducesErrors(ErrorCodes.BillingNotConfigured, ErrorCodes.PaymentProviderError);
        return group;
    }

    internal static Ok<CreditPacksResponse> ListPacks(CreditCheckout checkout)
    {
        var options = checkout.Options;
        var packs = options.IsConfigured
            ? options.Packs.OrderBy(pack => pack.Value.Credits)
                .Select(pack => new CreditPackResponse(pack.Key, pack.Value.DisplayName, pack.Value.Credits, pack.Value.Amount, pack.Value.Currency))
                .ToList()
            : [];
        return TypedResults.Ok(new CreditPacksResponse(options.IsConfigured, packs));
    }

    internal static async Task<Results<Ok<CheckoutResponse>, ApiErrorResult>> StartCheckoutAsync(
        CheckoutRequest? request, ClaimsPrincipal user, CreditCheckout checkout, ILogger<CreditCheckout> logger, CancellationToken cancellationToken)
    {
        if (!checkout.Options.IsConfigured)
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.BillingNotConfigured));
        }

        var packName = request!.Pack!;
        var pack = checkout.Options.Packs[packName];
        try
        {
            var session = await checkout.StartAsync(user.GetAccountId(), packName, cancellationToken);
            return TypedResults.Ok(new CheckoutResponse(session.Url, session.Id, packName, pack.Credits, pack.Amount, pack.Currency));
        }
        catch (StripeException exception)
        {
            LogCheckoutFailed(logger, exception, (int?)exception.HttpStatusCode ?? 0, exception.StripeError?.Code);
            return new ApiErrorResult(ApiError.Of(ErrorCodes.PaymentProviderError));
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Stripe refused to create a Checkout Session (HTTP {Status}, code {Code})")]
    internal static partial void LogCheckoutFailed(ILogger logger, Exception exception, int status, string? code);
}

internal sealed class CheckoutRequestValidator : AbstractValidator<CheckoutRequest>
{
    public CheckoutRequestValidator(Microsoft.Extensions.Options.IOptions<BillingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RuleLevelCascadeMode = CascadeMode.Stop;
        // Without billing there is nothing to choose from; the endpoint answers BILLING_NOT_CONFIGURED instead.
        RuleFor(request => request.Pack).NotEmpty().WithMessage("Required")
            .Must(pack => options.Value.Packs.ContainsKey(pack!))
            .WithMessage(_ => $"Unknown pack; expected one of: {string.Join(", ", options.Value.Packs.Keys.Order(StringComparer.Ordinal))}.")
            .When(_ => options.Value.IsConfigured);
    }
}
