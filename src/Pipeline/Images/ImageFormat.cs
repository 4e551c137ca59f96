namespace TryOn.Pipeline.Images;

/// <summary>The formats we accept. Decided by the bytes, never by a file name or a declared content type.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Heic,
}

/// <summary>Why an image was refused. The caller maps these to API error codes.</summary>
public enum ImageProblem
{
    /// <summary>More bytes than the limit.</summary>
    TooLarge,

    /// <summary>Not JPEG, PNG, WebP or HEIC (another image format, or not an image at all).</summary>
    UnsupportedType,

    /// <summary>Too few bytes to be an image, a truncated or corrupt file, or dimensions outside the limits.</summary>
    Invalid,
}

/// <summary>An image refused with its reason; <see cref="Message"/> is safe to show to a client.</summary>
public sealed record ImageRejection(ImageProblem Problem, string Message);

/// <summary>Either a value or the reason the image was refused. Refusals are expected outcomes, not exceptions.</summary>
public readonly record struct ImageResult<T>
{
    private ImageResult(T? value, ImageRejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }

    public ImageRejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    public static ImageResult<T> Accept(T value) => new(value, null);

    public static ImageResult<T> Reject(ImageProblem problem, string message) => new(default, new ImageRejection(problem, message));

    public static implicit operator ImageResult<T>(ImageRejection rejection) => new(default, rejection);
}
