using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TryOn.Web.Json;

/// <summary>Strings read from request bodies, the one way: only values that are strings of valid Unicode.</summary>
internal static class JsonStrings
{
    /// <summary>What a merchant is told about a value <see cref="TryGetText"/> refused for its encoding.</summary>
    public const string InvalidUnicode = "Not valid Unicode: the string holds a lone surrogate escape (such as \\ud800).";

    /// <summary>
    /// The string (a value or a property name) at <paramref name="reader"/>; false when its escapes make invalid UTF-16
    /// (a lone <c>\ud800</c>), which no later step could store, compare or encode.
    /// </summary>
    public static bool TryGetText(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = reader.GetString();
            return text is not null;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>The name of <paramref name="property"/>; false when its escapes make invalid UTF-16.</summary>
    public static bool TryGetName(this JsonProperty property, [NotNullWhen(true)] out string? name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return false;
        }
    }
}
