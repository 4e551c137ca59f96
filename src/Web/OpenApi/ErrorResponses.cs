using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;

namespace TryOn.Web.OpenApi;

/// <summary>
/// Each error response lists the codes the operation can answer with that status (<see cref="ErrorCodesMetadata"/>,
/// from the endpoint and its groups), in its description and as <c>x-error-codes</c>; the body is always the envelope.
/// </summary>
internal sealed class ErrorResponses : IOpenApiOperationTransformer
{
    public const string CodesExtension = "x-error-codes";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var byStatus = context.Description.ActionDescriptor.EndpointMetadata.OfType<ErrorCodesMetadata>()
            .SelectMany(metadata => metadata.Codes)
            .Concat(ErrorResponseMetadata.AnyCall)
            .Distinct(StringComparer.Ordinal)
            .Select(ErrorCatalog.Get)
            .GroupBy(definition => definition.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        operation.Responses ??= [];
        foreach (var status in byStatus)
        {
            if (!operation.Responses.TryGetValue(status.Key, out var described) || described is not OpenApiResponse response)
            {
                response = new OpenApiResponse
                {
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [ErrorEnvelopeWriter.ContentType] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorEnvelope), context.Document) },
                    },
                };
                operation.Responses[status.Key] = response;
            }

            response.Description = string.Join("\n\n", status.Select(definition => $"`{definition.Code}`: {Escaped(definition.DefaultMessage)}"));
            response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            response.Extensions[CodesExtension] = new JsonNodeExtension(new JsonArray([.. status.Select(definition => (JsonNode)JsonValue.Create(definition.Code))]));
        }

        // Answers in the order of their statuses: the success first, then the errors from 400 up.
        var ordered = operation.Responses.OrderBy(entry => entry.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
        {
            operation.Responses[status] = response;
        }

        return Task.CompletedTask;
    }

    /// <summary>Descriptions are Markdown, where <c>&lt;admin token&gt;</c> would be read as an HTML tag and vanish.</summary>
    private static string Escaped(string text) => text.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
