using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TryOn.Web.Multipart;

namespace TryOn.Web.OpenApi;

/// <summary>
/// The request body of each endpoint that reads its own (<see cref="RequestBodyMetadata"/>): the JSON, the multipart
/// form around it (the JSON as the text of <c>data</c>, each image a file part named by its <c>fileKey</c>), or a form
/// of fields and files.
/// </summary>
internal sealed class RequestBodies : IOpenApiOperationTransformer
{
    private const string Json = "application/json";
    private const string Multipart = "multipart/form-data";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyMetadata>().LastOrDefault() is not { } body)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = body.Forms switch
            {
                BodyForms.JsonOrMultipart => new Dictionary<string, OpenApiMediaType>
                {
                    [Json] = new() { Schema = await JsonAsync(body, context, cancellationToken), Example = body.Example is { } example ? JsonNode.Parse(example) : null },
                    [Multipart] = new()
                    {
                        Schema = JsonWithImages(),
                        Encoding = new Dictionary<string, OpenApiEncoding> { ["data"] = new() { ContentType = Json } },
                    },
                },
                _ => new Dictionary<string, OpenApiMediaType> { [Multipart] = new() { Schema = await FormAsync(body.Schema, context, cancellationToken) } },
            },
        };
    }

    /// <summary>The body's JSON, or one of its shapes.</summary>
    private static async Task<IOpenApiSchema> JsonAsync(RequestBodyMetadata body, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = new RequestSchemas(context);
        if (body.Shapes.Count == 0)
        {
            return await schemas.ForAsync(body.Schema, cancellationToken);
        }

        var shapes = new List<IOpenApiSchema>();
        foreach (var shape in body.Shapes)
        {
            shapes.Add(await schemas.ComponentAsync(body.Schema, cancellationToken, shape));
        }

        return new OpenApiSchema { OneOf = shapes };
    }

    /// <summary>A form as the framework describes one (a file is a binary string), with the nullability of C# left out.</summary>
    private static async Task<IOpenApiSchema> FormAsync(Type form, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(form, parameterDescription: null, cancellationToken);
        foreach (var field in schema.Properties?.Values.OfType<OpenApiSchema>() ?? [])
        {
            field.Type &= ~JsonSchemaType.Null;
        }

        return schema;
    }

    private static OpenApiSchema JsonWithImages() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["data"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The JSON body (this operation's application/json schema) as text.",
            },
        },
        AdditionalProperties = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "binary",
            Description = "An image, as a file part named by the fileKey that refers to it in data.",
        },
    };
}
