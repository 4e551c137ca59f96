using System.Text.Json;
using System.Text.Json.Serialization;

namespace TryOn.Client.Http;

/// <summary>The API's JSON: camelCase, fields left out rather than sent as null, numbers as numbers.</summary>
internal static class TryOnJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
