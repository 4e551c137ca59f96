using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using TryOn.Web.Json;
using TryOn.Web.Multipart;

namespace TryOn.Web.OpenApi;

/// <summary>
/// The schema of a body an endpoint reads itself, from the C# types that read it (<see cref="RequestJson"/>): an
/// <see cref="Optional{T}"/> is a <c>T</c> (that it may be left out is what "not required" says), a list an array,
/// <see cref="NamedValues{T}"/> an object of <c>T</c> values, and each record a component of its own, with the
/// descriptions its properties have in the code. Properties that are only computed are not part of a request.
/// </summary>
internal sealed class RequestSchemas(OpenApiOperationTransformerContext context)
{
    private OpenApiDocument Document => context.Document ?? throw new InvalidOperationException("The operation has no document.");

    public async Task<IOpenApiSchema> ForAsync(Type type, CancellationToken cancellationToken)
    {
        if (Generic(type, typeof(Optional<>)) is { } sent)
        {
            return await ForAsync(sent, cancellationToken);
        }

        if (Generic(type, typeof(NamedValues<>)) is { } value)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = await ForAsync(value, cancellationToken) };
        }

        if (type != typeof(string) && ListItem(type) is { } item)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = await ForAsync(item, cancellationToken) };
        }

        if (type == typeof(JsonElement) || type.IsPrimitive || type == typeof(string))
        {
            return await context.GetOrCreateSchemaAsync(type, parameterDescription: null, cancellationToken);
        }

        return await ComponentAsync(type, cancellationToken);
    }

    /// <summary>
    /// A component schema for <paramref name="type"/>, or for one <paramref name="shape"/> of it: one shape of a
    /// body whose type accepts several (<see cref="BodyShape"/>).
    /// </summary>
    public async Task<IOpenApiSchema> ComponentAsync(Type type, CancellationToken cancellationToken, BodyShape? shape = null)
    {
        var id = shape?.Name ?? type.Name;
        if (Document.Components?.Schemas?.ContainsKey(id) == true)
        {
            return new OpenApiSchemaReference(id, Document);
        }

        // Claimed before the properties are described, so that a type that holds itself ends in a reference.
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
        Document.AddComponent(id, schema);
        schema.Description = shape?.Description;
        var described = await context.GetOrCreateSchemaAsync(type, parameterDescription: null, cancellationToken);
        var options = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var property in options.GetTypeInfo(type).Properties.Where(property => property.Set is not null && !property.IsExtensionData))
        {
            if (shape is not null && !shape.Properties.TryGetValue(property.Name, out _))
            {
                continue;
            }

            var propertyType = shape?.Properties[property.Name] ?? property.PropertyType;
            var propertySchema = await ForAsync(propertyType, cancellationToken);
            if (propertySchema is OpenApiSchema inline && await OwnDescriptionAsync(described, property, cancellationToken) is { } text)
            {
                inline.Description = text;
            }

            schema.Properties[property.Name] = propertySchema;
        }

        if (shape is { Required.Count: > 0 })
        {
            schema.Required = new HashSet<string>(shape.Required, StringComparer.Ordinal);
        }

        return new OpenApiSchemaReference(id, Document);
    }

    /// <summary>The property's own documentation: not its type's (what the framework falls back on).</summary>
    private async Task<string?> OwnDescriptionAsync(IOpenApiSchema described, JsonPropertyInfo property, CancellationToken cancellationToken)
    {
        if (described.Properties?.TryGetValue(property.Name, out var framework) != true || framework!.Description is not { } text)
        {
            return null;
        }

        var ofType = await context.GetOrCreateSchemaAsync(property.PropertyType, parameterDescription: null, cancellationToken);
        return text == ofType.Description ? null : text;
    }

    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type.GetGenericArguments()[0] : null;

    private static Type? ListItem(Type type) =>
        type.IsArray ? type.GetElementType()
        : new[] { type }.Concat(type.GetInterfaces()).FirstOrDefault(candidate => Generic(candidate, typeof(IEnumerable<>)) is not null)?.GetGenericArguments()[0];
}
