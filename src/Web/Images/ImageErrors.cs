using TryOn.Contracts.Errors;
using TryOn.Pipeline.Images;
using TryOn.Web.Errors;

namespace TryOn.Web.Images;

internal static class ImageErrors
{
    /// <summary>The catalogue code of each way the pipeline refuses an image.</summary>
    public static ApiError From(ImageRejection rejection) => rejection.Problem switch
    {
        ImageProblem.TooLarge => ApiError.Of(ErrorCodes.FileTooLarge, rejection.Message),
        ImageProblem.UnsupportedType => ApiError.Of(ErrorCodes.UnsupportedImageType, rejection.Message),
        _ => ApiError.Of(ErrorCodes.InvalidImage, rejection.Message),
    };
}
