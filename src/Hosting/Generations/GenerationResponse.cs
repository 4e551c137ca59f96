using System.Text.Json.Serialization;
using TryOn.Contracts.Generations;
using TryOn.Hosting.Files;

namespace TryOn.Hosting.Generations;

/// <summary>
/// A generation as the API shows it (docs/generations.md, plus progress, queue position, product id and generation time):
/// the answer of <c>GET /generations/:id</c> and <c>/try-on/sync</c>, and the <c>data</c> of its webhook events
/// (docs/api.md, "Webhooks"). One mapping for both, here where the API and the silo reach it.
/// </summary>
public sealed record GenerationResponse(
    string GenerationId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResultImageUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    double Progress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition,
    string ProductExternalId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? GenerationTimeMs)
{
    public static GenerationResponse From(GenerationView generation, FileLinks links) => new(
        generation.GenerationId,
        generation.Status.ToString().ToUpperInvariant(),
        generation is { Status: GenerationStatus.Completed, ResultBlobKey: { } blobKey } ? links.Create(blobKey).Url : null,
        generation.ErrorCode,
        generation.ErrorMessage,
        generation.CreatedAt,
        generation.UpdatedAt,
        generation.Progress,
        generation.QueuePosition,
        generation.ProductExternalId,
        generation.GenerationTimeMs);
}
