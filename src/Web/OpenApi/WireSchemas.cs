using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TryOn.Web.OpenApi;

/// <summary>
/// Response schemas describe what travels on the wire: a property the server leaves out when it has no value
/// (<c>resultImageUrl</c>, <c>errorCode</c>, …) is neither required nor nullable. Request bodies the endpoints read
/// themselves are described by <see cref="RequestSchemas"/>.
/// </summary>
internal sealed class WireSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Properties is not { } properties)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties.Where(OmittedWhenNull))
        {
            schema.Required?.Remove(property.Name);
            if (properties.TryGetValue(property.Name, out var described))
            {
                properties[property.Name] = WithoutNull(described);
            }
        }

        return Task.CompletedTask;
    }

    private static bool OmittedWhenNull(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>()
            .Any(ignore => ignore.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true;

    /// <summary>The schema without its <c>null</c>: a nullable reference is written <c>oneOf: [null, $ref]</c>.</summary>
    private static IOpenApiSchema WithoutNull(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema inline)
        {
            return schema;
        }

        if (inline.OneOf is { Count: 2 } choices && choices.Count(choice => choice.Type == JsonSchemaType.Null) == 1)
        {
            return choices.Single(choice => choice.Type != JsonSchemaType.Null);
        }

        if (inline.Type is { } kinds)
        {
            inline.Type = kinds & ~JsonSchemaType.Null;
        }

        return inline;
    }
}
