using System.Text.Json;
using System.Text.Json.Serialization;

namespace TryOn.Web.Json;

/// <summary>One property of an object whose names are data; <see cref="Name"/> is null when it is not valid Unicode.</summary>
internal sealed record NamedValue<T>(string? Name, Optional<T> Value);

/// <summary>
/// An object whose property names are chosen by the client (classification flags), read as its properties in the
/// order sent, duplicates included, so that each can be checked and named as sent; a dictionary would keep the last
/// of a repeated name and fail on a name that is not valid Unicode.
/// </summary>
[JsonConverter(typeof(NamedValuesJsonConverterFactory))]
internal sealed record NamedValues<T>(IReadOnlyList<NamedValue<T>> Properties);

internal sealed class NamedValuesJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(NamedValues<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NamedValuesJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class NamedValuesJsonConverter<T> : JsonConverter<NamedValues<T>>
{
    public override NamedValues<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object.");
        }

        var properties = new List<NamedValue<T>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            JsonStrings.TryGetText(ref reader, out var name);
            reader.Read();
            properties.Add(new NamedValue<T>(name, JsonSerializer.Deserialize<Optional<T>>(ref reader, options)));
        }

        return new NamedValues<T>(properties);
    }

    public override void Write(Utf8JsonWriter writer, NamedValues<T> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var property in value.Properties)
        {
            writer.WritePropertyName(property.Name ?? "");
            JsonSerializer.Serialize(writer, property.Value, options);
        }

        writer.WriteEndObject();
    }
}
