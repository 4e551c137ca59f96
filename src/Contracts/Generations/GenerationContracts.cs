using TryOn.Contracts.People;
using TryOn.Contracts.Products;

namespace TryOn.Contracts.Generations;

[GenerateSerializer, Alias("tryon.generations.GenerationStatus")]
public enum GenerationStatus
{
    Pending = 0,
    Processing = 1,
    Completed = 2,
    Failed = 3,
}

/// <summary>
/// The shopper photo a generation uses: a stored, normalised copy, what the person analysis found in it, and the key of
/// the person's mask stored beside it (both null for a photo stored before the analysis existed).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.ShopperImage")]
public sealed record ShopperImage(
    [property: Id(0)] string BlobKey,
    [property: Id(1)] string? ImageId,
    [property: Id(2)] string? ExternalUserId,
    [property: Id(3)] PersonAnalysis? Person = null,
    [property: Id(4)] string? MaskBlobKey = null);

/// <summary>
/// Everything a generation needs, captured when it is accepted: later product changes do not affect it. The engine
/// chosen at admission is recorded (<see cref="EngineName"/>, null in generations stored before it was), so every
/// attempt runs the engine the try-on was admitted for.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.GenerationRequest")]
public sealed record GenerationRequest(
    [property: Id(0)] string AccountId,
    [property: Id(1)] ProductSnapshot Product,
    [property: Id(2)] ShopperImage Shopper,
    [property: Id(4)] int KeepForDays,
    [property: Id(5)] string? WatermarkBlobKey = null,
    [property: Id(6)] string? EngineName = null);

/// <summary>
/// A generation as its owner sees it. <see cref="PersonBlobKey"/> is the shopper photo it used while that photo is kept
/// (null once removed or erased): the dashboard shows it beside the result; the API never answers with it.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.GenerationView")]
public sealed record GenerationView(
    [property: Id(0)] string GenerationId,
    [property: Id(1)] GenerationStatus Status,
    [property: Id(2)] double Progress,
    [property: Id(3)] int? QueuePosition,
    [property: Id(4)] string ProductExternalId,
    [property: Id(5)] string? ProductDescription,
    [property: Id(6)] string? ResultBlobKey,
    [property: Id(7)] string? ErrorCode,
    [property: Id(8)] string? ErrorMessage,
    [property: Id(9)] long? GenerationTimeMs,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] string? PersonBlobKey = null);

[GenerateSerializer, Alias("tryon.generations.GenerationLookupStatus")]
public enum GenerationLookupStatus
{
    Found = 0,
    NotFound = 1,
    OtherAccount = 2,
}

[GenerateSerializer, Immutable, Alias("tryon.generations.GenerationLookup")]
public sealed record GenerationLookup(
    [property: Id(0)] GenerationLookupStatus Status,
    [property: Id(1)] GenerationView? Generation);

/// <summary>How one attempt ended: a stored result, or a typed failure.</summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.GenerationOutcome")]
public sealed record GenerationOutcome(
    [property: Id(0)] string? ResultBlobKey,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? ErrorMessage)
{
    public bool Succeeded => ResultBlobKey is not null;

    public static GenerationOutcome Completed(string resultBlobKey) => new(resultBlobKey, null, null);

    public static GenerationOutcome Failed(string errorCode, string message) => new(null, errorCode, message);
}
