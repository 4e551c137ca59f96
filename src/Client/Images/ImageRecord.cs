namespace TryOn.Client.Images;

/// <summary>A stored shopper photo (docs/images.md): its id for try-ons, a fresh signed link, and what the person analysis found.</summary>
public sealed record ImageRecord
{
    public required string ImageId { get; init; }

    public required string ImageUrl { get; init; }

    public required DateTimeOffset ImageUrlExpiresAt { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public string? ExternalUserId { get; init; }

    public PersonSummary? Person { get; init; }
}

/// <summary>The person in the photo: found or not, where, how framed; <see cref="Problem"/> names what a try-on would refuse.</summary>
public sealed record PersonSummary
{
    public required bool Found { get; init; }

    public PersonBox? Box { get; init; }

    public string? Framing { get; init; }

    public required bool FacingCamera { get; init; }

    /// <summary>Set when a try-on with this photo would be refused: <c>PERSON_NOT_FOUND</c>, <c>PERSON_TOO_SMALL</c>.</summary>
    public string? Problem { get; init; }
}

public sealed record PersonBox(int X, int Y, int Width, int Height);

/// <summary>The optional fields of <c>POST /tryon/v1/images/upload</c>.</summary>
public sealed record UploadImageOptions
{
    /// <summary>Crop to 4:5 around the person (the default); false keeps the framing.</summary>
    public bool? Crop { get; init; }

    /// <summary>Your end user's id, for erasure.</summary>
    public string? ExternalUserId { get; init; }

    /// <summary>1, 3 or 7; default the account's retention.</summary>
    public int? KeepForDays { get; init; }
}
