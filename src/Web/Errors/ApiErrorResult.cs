namespace TryOn.Web.Errors;

/// <summary>An endpoint's typed result for an expected failure; written by <see cref="ErrorEnvelopeWriter"/>.</summary>
internal sealed class ApiErrorResult(ApiError error) : IResult, IStatusCodeHttpResult
{
    public ApiError Error { get; } = error;

    public int? StatusCode => Error.Status;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorEnvelopeWriter.WriteAsync(httpContext, Error);

    public static implicit operator ApiErrorResult(ApiError error) => new(error);
}
