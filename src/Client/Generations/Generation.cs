using System.Text.Json.Serialization;

namespace TryOn.Client.Generations;

/// <summary>Where a generation is: <c>PENDING</c> → <c>PROCESSING</c> → <c>COMPLETED</c> | <c>FAILED</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GenerationStatus>))]
public enum GenerationStatus
{
    [JsonStringEnumMemberName("PENDING")]
    Pending,

    [JsonStringEnumMemberName("PROCESSING")]
    Processing,

    [JsonStringEnumMemberName("COMPLETED")]
    Completed,

    [JsonStringEnumMemberName("FAILED")]
    Failed,
}

/// <summary>A generation as <c>GET /tryon/v1/generations/:id</c> answers it (docs/generations.md).</summary>
public sealed record Generation
{
    public required string GenerationId { get; init; }

    public required GenerationStatus Status { get; init; }

    /// <summary>A signed, short-lived link to the result image; only when <see cref="GenerationStatus.Completed"/>.
    /// <see cref="TryOnClient.DownloadResultAsync"/> fetches it.</summary>
    public string? ResultImageUrl { get; init; }

    /// <summary>Why it failed (a code of <see cref="Errors.TryOnErrorCodes"/>); only when <see cref="GenerationStatus.Failed"/>.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>From 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>The place in the queue while <see cref="GenerationStatus.Pending"/>.</summary>
    public int? QueuePosition { get; init; }

    public required string ProductExternalId { get; init; }

    public long? GenerationTimeMs { get; init; }

    /// <summary>True once it is <see cref="GenerationStatus.Completed"/> or <see cref="GenerationStatus.Failed"/>; it never changes again.</summary>
    [JsonIgnore]
    public bool IsFinished => Status is GenerationStatus.Completed or GenerationStatus.Failed;
}

/// <summary>One item of <c>GET /tryon/v1/generations</c>.</summary>
public sealed record GenerationSummary
{
    public required string Id { get; init; }

    public required GenerationStatus Status { get; init; }

    public required string ProductExternalId { get; init; }

    public string? ProductDescription { get; init; }

    public long? GenerationTimeMs { get; init; }

    public string? ResultImageUrl { get; init; }

    public string? ErrorCode { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The answer of <c>POST /tryon/v1/try-on</c>: the generation was accepted and one credit reserved.</summary>
public sealed record TryOnStarted
{
    public required string GenerationId { get; init; }

    public required GenerationStatus Status { get; init; }

    public required string ProductExternalId { get; init; }
}
