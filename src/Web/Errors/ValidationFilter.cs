using FluentValidation;
using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>
/// Validates the endpoint's <typeparamref name="TRequest"/> argument with its FluentValidation validator and
/// answers <c>VALIDATION_FAILED</c> with one dotted path per offending field. A missing body is a failure too.
/// </summary>
internal sealed class ValidationFilter<TRequest>(IValidator<TRequest> validator) : IEndpointFilter
    where TRequest : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
        if (request is null)
        {
            return new ApiErrorResult(ApiError.Validation("", "A JSON request body is required."));
        }

        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        return ValidationErrors.From(result) is { } error ? new ApiErrorResult(error) : await next(context);
    }
}

internal static class ValidationPaths
{
    /// <summary><c>Products[0].Images[1].Source.Url</c> becomes <c>products.0.images.1.source.url</c>.</summary>
    public static string ToDotted(string propertyName)
    {
        if (string.IsNullOrEmpty(propertyName))
        {
            return "";
        }

        var segments = propertyName.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.');
        return string.Join('.', segments.Select(segment => segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
    }
}

internal static class ValidationFilterExtensions
{
    /// <summary>Validates the request body of type <typeparamref name="TRequest"/> before the handler runs.</summary>
    public static RouteHandlerBuilder Validate<TRequest>(this RouteHandlerBuilder builder)
        where TRequest : class => builder
            .AddEndpointFilter<ValidationFilter<TRequest>>()
            .ProducesErrors(ErrorCodes.ValidationFailed, ErrorCodes.InvalidJson, ErrorCodes.BadRequest, ErrorCodes.UnsupportedMediaType, ErrorCodes.PayloadTooLarge);
}
