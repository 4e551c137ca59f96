using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Dashboard;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Ids;
using TryOn.Web.Admin;
using TryOn.Web.Errors;

namespace TryOn.Web.Dashboard;

internal sealed record CreateInvitationRequest(string? Email, string? Role);

internal sealed record InvitationResponse(string InvitationId, string Email, string Role, string Url, DateTimeOffset ExpiresAt);

internal sealed record CreatePasswordResetRequest(string? Email);

internal sealed record PasswordResetResponse(string ResetId, string Email, string Url, DateTimeOffset ExpiresAt);

internal sealed record DashboardUserResponse(string Email, string Role, DateTimeOffset JoinedAt, DateTimeOffset? LastSignInAt)
{
    public static DashboardUserResponse From(DashboardUserInfo user) => new(user.Email, user.Role, user.JoinedAt, user.LastSignInAt);
}

internal sealed record DashboardUsersResponse(IReadOnlyList<DashboardUserResponse> Items);

internal sealed class CreateInvitationRequestValidator : AbstractValidator<CreateInvitationRequest>
{
    public CreateInvitationRequestValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Email).NotEmpty().WithMessage("Required")
            .Must(DashboardCredentials.IsEmail).WithMessage("Expected one e-mail address, such as ana@shop.example.");
        RuleFor(request => request.Role).NotEmpty().WithMessage("Required")
            .Must(DashboardRoles.IsRole).WithMessage($"Expected '{DashboardRoles.Owner}' or '{DashboardRoles.Member}'.");
    }
}

internal sealed class CreatePasswordResetRequestValidator : AbstractValidator<CreatePasswordResetRequest>
{
    public CreatePasswordResetRequestValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Email).NotEmpty().WithMessage("Required")
            .Must(DashboardCredentials.IsEmail).WithMessage("Expected one e-mail address, such as ana@shop.example.");
    }
}

/// <summary>
/// The operator's side of the dashboard (docs/dashboard.md): invite a user, issue a password reset link (there is no
/// mail server: the link is in the answer, for the operator to pass on), list and remove users.
/// </summary>
internal static class DashboardAdminEndpoints
{
    public static RouteGroupBuilder MapDashboardAdminEndpoints(this RouteGroupBuilder accounts)
    {
        accounts.MapPost("/{accountId}/invitations", InviteAsync).Validate<CreateInvitationRequest>()
            .WithName("InviteDashboardUser").WithSummary("Invite a dashboard user")
            .WithDescription("A one-time link (7 days) on which the invitee chooses a password and joins the account's dashboard as owner or member. The url is relative to the service.")
            .ProducesErrors(ErrorCodes.AccountNotFound, ErrorCodes.EmailTaken);
        accounts.MapPost("/{accountId}/password-resets", ResetPasswordAsync).Validate<CreatePasswordResetRequest>()
            .WithName("ResetDashboardPassword").WithSummary("Issue a password reset link")
            .WithDescription("A one-time link (24 hours) on which the user chooses a new password; their sessions end when they do.")
            .ProducesErrors(ErrorCodes.AccountNotFound, ErrorCodes.DashboardUserNotFound);
        accounts.MapGet("/{accountId}/users", ListUsersAsync)
            .WithName("ListDashboardUsers").WithSummary("List dashboard users").WithDescription("The account's dashboard users, oldest first.")
            .ProducesErrors(ErrorCodes.AccountNotFound);
        accounts.MapDelete("/{accountId}/users/{email}", RemoveUserAsync)
            .WithName("RemoveDashboardUser").WithSummary("Remove a dashboard user").WithDescription("The user can no longer sign in; their open sessions end at once.")
            .ProducesErrors(ErrorCodes.AccountNotFound, ErrorCodes.DashboardUserNotFound);
        return accounts;
    }

    internal static async Task<Results<Created<InvitationResponse>, ApiErrorResult>> InviteAsync(
        string accountId, CreateInvitationRequest? request, IGrainFactory grains, DashboardInvitations invitations, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(grains, accountId, cancellationToken))
        {
            return AdminEndpoints.AccountNotFound(accountId);
        }

        var link = await invitations.InviteAsync(accountId, request!.Email!, request.Role!, cancellationToken);
        return link is null
            ? new ApiErrorResult(ApiError.Of(ErrorCodes.EmailTaken))
            : TypedResults.Created(link.Url, new InvitationResponse(link.LinkId, link.Email, link.Role, link.Url, link.ExpiresAt));
    }

    internal static async Task<Results<Created<PasswordResetResponse>, ApiErrorResult>> ResetPasswordAsync(
        string accountId, CreatePasswordResetRequest? request, IGrainFactory grains, DashboardInvitations invitations, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(grains, accountId, cancellationToken))
        {
            return AdminEndpoints.AccountNotFound(accountId);
        }

        var link = await invitations.ResetAsync(accountId, request!.Email!, cancellationToken);
        return link is null
            ? new ApiErrorResult(ApiError.Of(ErrorCodes.DashboardUserNotFound))
            : TypedResults.Created(link.Url, new PasswordResetResponse(link.LinkId, link.Email, link.Url, link.ExpiresAt));
    }

    internal static async Task<Results<Ok<DashboardUsersResponse>, ApiErrorResult>> ListUsersAsync(
        string accountId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(grains, accountId, cancellationToken))
        {
            return AdminEndpoints.AccountNotFound(accountId);
        }

        var users = await grains.GetGrain<IDashboardTeamGrain>(accountId).ListUsersAsync(cancellationToken);
        return TypedResults.Ok(new DashboardUsersResponse([.. users.Select(DashboardUserResponse.From)]));
    }

    internal static async Task<Results<NoContent, ApiErrorResult>> RemoveUserAsync(
        string accountId, string email, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(grains, accountId, cancellationToken))
        {
            return AdminEndpoints.AccountNotFound(accountId);
        }

        return DashboardCredentials.IsEmail(email) && await grains.GetGrain<IDashboardTeamGrain>(accountId).RemoveUserAsync(email, cancellationToken)
            ? TypedResults.NoContent()
            : new ApiErrorResult(ApiError.Of(ErrorCodes.DashboardUserNotFound));
    }

    private static async Task<bool> ExistsAsync(IGrainFactory grains, string accountId, CancellationToken cancellationToken) =>
        ResourceIds.IsAccountId(accountId) && await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken) is not null;
}
