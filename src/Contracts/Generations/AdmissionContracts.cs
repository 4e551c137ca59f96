using TryOn.Contracts.Images;
using TryOn.Contracts.Products;

namespace TryOn.Contracts.Generations;

/// <summary>
/// A try-on as the gateway hands it over once it has read the request and normalised its images: which product, which
/// shopper photo, for whom, and the output options. Everything else (the engine, the credit, the product image the
/// generation keeps, the retention of a new photo) is decided by <see cref="IGenerationGrain.AdmitAsync"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.AdmissionRequest")]
public sealed record AdmissionRequest(
    [property: Id(0)] string AccountId,
    [property: Id(1)] AdmittedProduct Product,
    [property: Id(2)] AdmittedShopper Shopper,
    [property: Id(3)] string? ExternalUserId,
    [property: Id(4)] bool Watermark,
    [property: Id(5)] int? KeepForDays);

/// <summary>
/// The product of a try-on: a reference to a stored product (<see cref="Upsert"/> null), or an inline product to create
/// or update first; an inline product without an external id is a one-shot product. Uploaded images in
/// <see cref="Upsert"/> are already stored; admission owns them from here and removes them if no product keeps them.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.AdmittedProduct")]
public sealed record AdmittedProduct(
    [property: Id(0)] string? ExternalId,
    [property: Id(1)] ProductUpsert? Upsert = null);

/// <summary>
/// The shopper photo of a try-on: an image uploaded before (<see cref="ImageId"/>), or one the gateway has just
/// stored for this request (<see cref="Upload"/>: written, not yet recorded). Admission records an upload with the
/// retention the try-on resolves, or removes it when the try-on is refused first.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.AdmittedShopper")]
public sealed record AdmittedShopper(
    [property: Id(0)] string? ImageId,
    [property: Id(1)] ShopperUpload? Upload = null);

/// <summary>A shopper photo written to the blob store (and its person mask beside it) that no image record points to yet.</summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.ShopperUpload")]
public sealed record ShopperUpload(
    [property: Id(0)] StoredImageRecord Image,
    [property: Id(1)] string? MaskBlobKey);

/// <summary>
/// Why a try-on was refused: an error code of the catalogue (docs/errors.md), its message (null: the catalogue's own)
/// and its details; or, with <see cref="InvalidPath"/>, a <c>VALIDATION_FAILED</c> of that one request field.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.AdmissionRefusal")]
public sealed record AdmissionRefusal(
    [property: Id(0)] string Code,
    [property: Id(1)] string? Message,
    [property: Id(2)] Dictionary<string, object>? Details = null,
    [property: Id(3)] string? InvalidPath = null)
{
    public static AdmissionRefusal Invalid(string path, string message) => new(Errors.ErrorCodes.ValidationFailed, message, null, path);
}

/// <summary>The accepted generation (PENDING, or as it is now for a repeated call), or why it was refused; a refusal holds no credit.</summary>
[GenerateSerializer, Immutable, Alias("tryon.generations.AdmissionResult")]
public sealed record AdmissionResult(
    [property: Id(0)] GenerationView? Generation,
    [property: Id(1)] AdmissionRefusal? Refusal)
{
    public static AdmissionResult Accepted(GenerationView generation) => new(generation, null);

    public static AdmissionResult Refused(AdmissionRefusal refusal) => new(null, refusal);

    /// <summary>
    /// Neither: the id was given up before (<see cref="IGenerationGrain.AbandonIfNotStartedAsync"/>) and can never be
    /// admitted; a caller that sent it again (the retry of an idempotent request) admits under a new id.
    /// </summary>
    public static AdmissionResult Closed { get; } = new(null, null);

    public bool IsClosed => Generation is null && Refusal is null;
}
