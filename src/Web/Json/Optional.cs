using System.Buffers;
using System.Collections;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TryOn.Web.Json;

/// <summary>
/// A field of a request body as it was sent: absent, <c>null</c>, a <typeparamref name="T"/>, or a value of another kind
/// (a string where a number belongs, a string that is not valid Unicode). Absent and null differ because the contract
/// gives them different meanings (<c>validForDays: null</c> is "forever", an absent one keeps the stored value), and a
/// value of the wrong kind is kept as the kind it was rather than failing the whole body, so that the validator names
/// the field with the message the contract gives for it.
/// </summary>
[JsonConverter(typeof(OptionalJsonConverterFactory))]
internal readonly struct Optional<T>
{
    private Optional(JsonValueKind sent, T? value, bool hasValue)
    {
        Sent = sent;
        Value = value;
        HasValue = hasValue;
    }

    public static Optional<T> Null => new(JsonValueKind.Null, default, false);

    /// <summary>The kind of JSON value sent; <see cref="JsonValueKind.Undefined"/> when the field was absent.</summary>
    public JsonValueKind Sent { get; }

    /// <summary>The value, when one of type <typeparamref name="T"/> was sent.</summary>
    public T? Value { get; }

    public bool HasValue { get; }

    /// <summary>The field is in the body, <c>null</c> included.</summary>
    public bool IsGiven => Sent != JsonValueKind.Undefined;

    /// <summary>The field is in the body with a value other than <c>null</c>.</summary>
    public bool IsSet => IsGiven && Sent != JsonValueKind.Null;

    /// <summary>A value was sent that is not a <typeparamref name="T"/>.</summary>
    public bool IsMalformed => IsSet && !HasValue;

    public static Optional<T> Of(T value, JsonValueKind sent) => new(sent, value, true);

    public static Optional<T> Malformed(JsonValueKind sent) => new(sent, default, false);
}

/// <summary>Reads every <see cref="Optional{T}"/>; a value that is not a <c>T</c> is skipped and remembered by its kind.</summary>
internal sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class OptionalJsonConverter<T> : JsonConverter<Optional<T>>
{
    /// <summary>The kind a <c>T</c> is sent as, for the types read by the serializer (objects and arrays).</summary>
    private static readonly JsonTokenType Container =
        typeof(T) != typeof(string) && typeof(IEnumerable).IsAssignableFrom(typeof(T)) ? JsonTokenType.StartArray : JsonTokenType.StartObject;

    private static readonly bool IsScalar = typeof(T) == typeof(string) || typeof(T) == typeof(int) || typeof(T) == typeof(bool);

    /// <summary>Called for <c>null</c> too, which is a value of its own here.</summary>
    public override bool HandleNull => true;

    public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var sent = KindOf(reader.TokenType);
        if (sent == JsonValueKind.Null)
        {
            return Optional<T>.Null;
        }

        if (typeof(T) == typeof(JsonElement))
        {
            return As(JsonElement.ParseValue(ref reader), sent);
        }

        if (IsScalar && sent is JsonValueKind.Object or JsonValueKind.Array)
        {
            reader.Skip();
            return Optional<T>.Malformed(sent);
        }

        if (typeof(T) == typeof(string))
        {
            return sent == JsonValueKind.String && JsonStrings.TryGetText(ref reader, out var text) ? As(text, sent) : Optional<T>.Malformed(sent);
        }

        if (typeof(T) == typeof(int))
        {
            return sent == JsonValueKind.Number && reader.TryGetInt32(out var number) ? As(number, sent) : Optional<T>.Malformed(sent);
        }

        if (typeof(T) == typeof(bool))
        {
            return sent is JsonValueKind.True or JsonValueKind.False ? As(reader.GetBoolean(), sent) : Optional<T>.Malformed(sent);
        }

        if (reader.TokenType != Container)
        {
            reader.Skip();
            return Optional<T>.Malformed(sent);
        }

        var start = reader;
        try
        {
            return Optional<T>.Of(JsonSerializer.Deserialize<T>(ref reader, options)!, sent);
        }
        catch (JsonException exception) when (exception.InnerException is InvalidOperationException && sent == JsonValueKind.Object)
        {
            // A property name that is not valid Unicode (a lone \ud800) fails the serializer, even for a name no field
            // has. The contract ignores the names it does not know, so the object is read again with each such name
            // replaced by one that no field has; its values, nested objects included, are copied as sent.
            reader = start;
            return Optional<T>.Of(JsonSerializer.Deserialize<T>(WithReadableNames(JsonElement.ParseValue(ref reader)), options)!, sent);
        }
    }

    public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.HasValue)
        {
            JsonSerializer.Serialize(writer, value.Value, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static byte[] WithReadableNames(JsonElement sent)
    {
        var copy = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(copy))
        {
            writer.WriteStartObject();
            foreach (var property in sent.EnumerateObject())
            {
                writer.WritePropertyName(property.TryGetName(out var name) ? name : "\uFFFD");
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return copy.WrittenSpan.ToArray();
    }

    private static Optional<T> As<TValue>(TValue value, JsonValueKind sent) => Optional<T>.Of((T)(object)value!, sent);

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };
}
