using System.Text.Json.Serialization;

namespace TryOn.Web.Errors;

/// <summary>The one JSON shape every error has (docs/errors.md). <see cref="Status"/> always equals the HTTP status.</summary>
internal sealed record ErrorEnvelope(
    string Code,
    string Message,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Details,
    string RequestId);
