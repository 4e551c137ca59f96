using TryOn.Contracts.People;

namespace TryOn.Contracts.Images;

/// <summary>
/// A stored shopper image: its normalised copy lives in the blob store under <see cref="BlobKey"/>, and what the person
/// analysis found in it in <see cref="Person"/> (null only for images stored before the analysis existed).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.images.StoredImageRecord")]
public sealed record StoredImageRecord(
    [property: Id(0)] string ImageId,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string BlobKey,
    [property: Id(3)] string ContentType,
    [property: Id(4)] int Width,
    [property: Id(5)] int Height,
    [property: Id(6)] string? ExternalUserId,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] PersonAnalysis? Person = null);

[GenerateSerializer, Alias("tryon.images.ImageLookupStatus")]
public enum ImageLookupStatus
{
    Found = 0,

    /// <summary>Never stored, retention ended, or erased.</summary>
    NotFound = 1,

    /// <summary>Stored, but for another account.</summary>
    OtherAccount = 2,
}

[GenerateSerializer, Immutable, Alias("tryon.images.ImageLookup")]
public sealed record ImageLookup(
    [property: Id(0)] ImageLookupStatus Status,
    [property: Id(1)] StoredImageRecord? Image);
