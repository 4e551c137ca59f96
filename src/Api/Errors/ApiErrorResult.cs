using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace TryOn.Api.Errors;

/// <summary>An endpoint's typed result for an expected failure; written by <see cref="ErrorEnvelopeWriter"/>.</summary>
internal sealed class ApiErrorResult(ApiError error) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public ApiError Error { get; } = error;

    public int? StatusCode => Error.Status;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorEnvelopeWriter.WriteAsync(httpContext, Error);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ErrorEnvelope), [ErrorEnvelopeWriter.ContentType]));
    }

    public static implicit operator ApiErrorResult(ApiError error) => new(error);
}
