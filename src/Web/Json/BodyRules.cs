using FluentValidation;

namespace TryOn.Web.Json;

/// <summary>The rules every request body applies to its <see cref="Optional{T}"/> fields, with the messages the contract gives.</summary>
internal static class BodyRules
{
    /// <summary>
    /// A string of at most <paramref name="maxLength"/> characters, when given and not null; the merchant is told
    /// <c>Expected a string.</c>, that it is not valid Unicode, or how long it may be, unless <paramref name="requirement"/>
    /// says all but the Unicode one at once.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, Optional<string>> Text<T>(this IRuleBuilder<T, Optional<string>> rule, int maxLength, string? requirement = null) =>
        rule.Custom((sent, context) =>
        {
            if (!sent.IsSet || sent.TextWithin(maxLength) is not null)
            {
                return;
            }

            context.AddFailure(sent.Sent == System.Text.Json.JsonValueKind.String && !sent.HasValue
                ? JsonStrings.InvalidUnicode
                : requirement ?? (sent.HasValue ? $"At most {maxLength} characters." : "Expected a string."));
        });

    /// <summary>The text sent, when it is a string of at most <paramref name="maxLength"/> characters: what <see cref="Text"/> accepts.</summary>
    public static string? TextWithin(this Optional<string> sent, int maxLength) =>
        sent.HasValue && sent.Value!.Length <= maxLength ? sent.Value : null;

    /// <summary>The flag sent, when it is <c>true</c> or <c>false</c>.</summary>
    public static bool? Flag(this Optional<bool> sent) => sent.HasValue ? sent.Value : null;
}
