using TryOn.Contracts.Errors;
using TryOn.Contracts.People;
using TryOn.Grains.People;

namespace TryOn.Tests.People;

/// <summary>What a shopper photo must show before a try-on holds a credit.</summary>
public sealed class PersonRequirementsTests
{
    private static PersonAnalysis Person(int height, bool facing = true) =>
        new(true, new PersonBox(10, 20, 100, height), PersonFraming.UpperBody, facing, 0.9f, []);

    [Fact]
    public void A_person_facing_the_camera_and_a_fifth_of_the_height_can_be_tried_on()
    {
        Assert.Null(PersonRequirements.ProblemOf(Person(height: 200), imageHeight: 1000));
        Assert.Null(PersonRequirements.ProblemOf(Person(height: 900), imageHeight: 1000));
    }

    [Fact]
    public void Nobody_or_a_back_view_is_PERSON_NOT_FOUND_with_its_reason()
    {
        var nobody = PersonRequirements.ProblemOf(PersonAnalysis.NotFound, 1000)!;
        Assert.Equal((ErrorCodes.PersonNotFound, "no_person"), (nobody.Code, nobody.Details["reason"]));
        var back = PersonRequirements.ProblemOf(Person(height: 800, facing: false), 1000)!;
        Assert.Equal((ErrorCodes.PersonNotFound, "facing_away"), (back.Code, back.Details["reason"]));
    }

    [Fact]
    public void Under_a_fifth_of_the_height_is_PERSON_TOO_SMALL_with_the_fraction()
    {
        var problem = PersonRequirements.ProblemOf(Person(height: 199), 1000)!;
        Assert.Equal(ErrorCodes.PersonTooSmall, problem.Code);
        Assert.Equal(0.199, problem.Details["heightFraction"]);
        Assert.Equal(0.2, problem.Details["minimum"]);
        Assert.Contains("20%", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_stored_before_the_analysis_existed_is_not_checked() =>
        Assert.Null(PersonRequirements.ProblemOf(null, 1000));
}
