using FluentValidation;
using TryOn.Contracts.Accounts;

namespace TryOn.Web.Admin;

internal static class AdminLimits
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;
    public const long MaxCreditMovement = 1_000_000;

    /// <summary>1 PiB: more than any account should hold, small enough that no sum of sizes overflows.</summary>
    public const long MaxStorageBytes = 1L << 50;
}

internal sealed class LimitsRequestValidator : AbstractValidator<LimitsRequest>
{
    public LimitsRequestValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(limits => limits.WritesPerMinute).InclusiveBetween(1, 100_000);
        RuleFor(limits => limits.ReadsPerMinute).InclusiveBetween(1, 1_000_000);
        RuleFor(limits => limits.MaxInFlightGenerations).InclusiveBetween(1, 10_000);
        RuleFor(limits => limits.MonthlyGenerations).InclusiveBetween(0, 100_000_000);
        RuleFor(limits => limits.StorageBytes).InclusiveBetween(1, AdminLimits.MaxStorageBytes);
    }
}

internal sealed class CreateAccountRequestValidator : AbstractValidator<CreateAccountRequest>
{
    public CreateAccountRequestValidator(IValidator<LimitsRequest> limits)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Name).NotEmpty().WithMessage("Required").MaximumLength(AdminLimits.MaxNameLength)
            .Must(NotBeBlank).WithMessage("Must not be blank.");
        RuleFor(request => request.Credits).InclusiveBetween(0, AdminLimits.MaxCreditMovement);
        RuleFor(request => request.Limits!).SetValidator(limits).When(request => request.Limits is not null);
        RuleFor(request => request.RetentionDays).Must(BeARetentionPreset).WithMessage("Expected 1, 3 or 7.");
    }

    internal static bool NotBeBlank(string? value) => value is null || !string.IsNullOrWhiteSpace(value);

    internal static bool BeARetentionPreset(int? days) => days is null || AccountDefaults.RetentionPresets.Contains(days.Value);
}

internal sealed class UpdateAccountRequestValidator : AbstractValidator<UpdateAccountRequest>
{
    public UpdateAccountRequestValidator(IValidator<LimitsRequest> limits)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Name).MaximumLength(AdminLimits.MaxNameLength)
            .Must(name => name is null || !string.IsNullOrWhiteSpace(name)).WithMessage("Must not be empty.");
        RuleFor(request => request.Limits!).SetValidator(limits).When(request => request.Limits is not null);
        RuleFor(request => request.RetentionDays).Must(CreateAccountRequestValidator.BeARetentionPreset).WithMessage("Expected 1, 3 or 7.");
    }
}

internal sealed class AdjustCreditsRequestValidator : AbstractValidator<AdjustCreditsRequest>
{
    public AdjustCreditsRequestValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Amount).NotNull().WithMessage("Required")
            .NotEqual(0).WithMessage("Must not be 0.")
            .InclusiveBetween(-AdminLimits.MaxCreditMovement, AdminLimits.MaxCreditMovement);
        RuleFor(request => request.Reason).NotEmpty().WithMessage("Required").MaximumLength(AdminLimits.MaxReasonLength)
            .Must(CreateAccountRequestValidator.NotBeBlank).WithMessage("Must not be blank.");
    }
}

internal sealed class IssueApiKeyRequestValidator : AbstractValidator<IssueApiKeyRequest>
{
    public IssueApiKeyRequestValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Name).NotEmpty().WithMessage("Required").MaximumLength(100)
            .Must(CreateAccountRequestValidator.NotBeBlank).WithMessage("Must not be blank.");
    }
}
