using TryOn.Contracts.Errors;

namespace TryOn.Contracts.People;

/// <summary>Why a shopper photo cannot be tried on: the catalogue code, a message for people and machine-readable details.</summary>
public sealed record PersonProblem(string Code, string Message, IReadOnlyDictionary<string, object> Details);

/// <summary>
/// What a shopper photo must show for a try-on, checked before any credit is reserved: a person, facing the camera,
/// at least a fifth of the image high.
/// </summary>
public static class PersonRequirements
{
    public const double MinHeightFraction = 0.2;

    /// <summary>
    /// The problem with <paramref name="person"/> in an image <paramref name="imageHeight"/> pixels high, or null when
    /// it can be tried on. An image stored before person analysis existed carries none and is not checked.
    /// </summary>
    public static PersonProblem? ProblemOf(PersonAnalysis? person, int imageHeight)
    {
        if (person is null)
        {
            return null;
        }

        if (!person.Found)
        {
            return new PersonProblem(
                ErrorCodes.PersonNotFound,
                "No person was found in the shopper photo. Ask the shopper for a photo of themselves, facing the camera.",
                new Dictionary<string, object> { ["reason"] = "no_person" });
        }

        if (!person.FacingCamera)
        {
            return new PersonProblem(
                ErrorCodes.PersonNotFound,
                "The person in the shopper photo is seen from the back. Ask the shopper for a photo facing the camera.",
                new Dictionary<string, object> { ["reason"] = "facing_away" });
        }

        var fraction = imageHeight > 0 && person.Box is { } box ? (double)box.Height / imageHeight : 0;
        if (fraction < MinHeightFraction)
        {
            return new PersonProblem(
                ErrorCodes.PersonTooSmall,
                $"The person fills {Math.Round(fraction * 100)}% of the photo's height; at least {MinHeightFraction * 100}% is needed. Ask the shopper for a closer photo.",
                new Dictionary<string, object> { ["heightFraction"] = Math.Round(fraction, 3), ["minimum"] = MinHeightFraction });
        }

        return null;
    }
}
