using System.Text.Json;

namespace TryOn.Web.Json;

/// <summary>How request bodies become their typed form (<c>TryOnBody</c>, <c>ProductBody</c>).</summary>
internal static class RequestJson
{
    /// <summary>
    /// Property names as the contract spells them, matched exactly as the contract is case-sensitive; values are read by
    /// <see cref="Optional{T}"/>, which never fails a body for a value of the wrong kind.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The body (or part of one) at <paramref name="element"/> as a <typeparamref name="T"/>, or as what it was instead.</summary>
    public static Optional<T> Read<T>(JsonElement element) => element.Deserialize<Optional<T>>(Options);
}
