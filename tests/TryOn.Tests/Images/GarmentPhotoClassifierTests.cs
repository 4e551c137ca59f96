using NetVips;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Images;

public sealed class GarmentPhotoClassifierTests
{
    /// <summary>A T-shirt silhouette (body and sleeves) in one colour on white.</summary>
    private static Image Tee(double[] colour, bool neckOpening)
    {
        using var background = TestImages.Solid(400, 400, 255, 255, 255);
        using var body = TestImages.Solid(160, 240, colour);
        using var sleeves = TestImages.Solid(280, 70, colour);
        using var withBody = background.Insert(body, 120, 100);
        var tee = withBody.Insert(sleeves, 60, 100);
        if (!neckOpening)
        {
            return tee;
        }

        // The inside of the back of the garment, seen through the neck: darker than the front.
        using var inside = TestImages.Solid(60, 30, colour.Select(channel => channel * 0.35).ToArray());
        using var withNeck = tee.Insert(inside, 170, 100);
        tee.Dispose();
        return withNeck.Copy();
    }

    [Fact]
    public void Garment_laid_on_a_plain_background_is_a_flat_lay()
    {
        using var tee = Tee([40, 90, 200], neckOpening: false);
        Assert.Equal(GarmentPhotoKind.FlatLay, GarmentPhotoClassifier.Classify(TestImages.Png(tee)));
    }

    [Fact]
    public void Garment_showing_its_inside_at_the_neck_is_a_ghost_mannequin()
    {
        using var tee = Tee([40, 90, 200], neckOpening: true);
        Assert.Equal(GarmentPhotoKind.GhostMannequin, GarmentPhotoClassifier.Classify(TestImages.Png(tee)));
    }

    [Fact]
    public void Photo_of_a_person_is_on_model() =>
        Assert.Equal(GarmentPhotoKind.OnModel, GarmentPhotoClassifier.Classify(TestImages.Read("person-astronaut.png")));

    [Fact]
    public void Busy_background_without_skin_is_unknown()
    {
        // Green and blue noise: busy everywhere, border included, and no colour in the skin range.
        using var noise = Image.Gaussnoise(300, 300, sigma: 80, mean: 120);
        using var red = noise * 0.15;
        using var rgb = red.Bandjoin(noise.Rot90(), noise.Rot180()).Cast(Enums.BandFormat.Uchar);
        Assert.Equal(GarmentPhotoKind.Unknown, GarmentPhotoClassifier.Classify(TestImages.Png(rgb)));
    }

    [Fact]
    public void Unknown_gives_no_classifications_and_a_decision_gives_all_three()
    {
        Assert.Empty(GarmentPhotoClassifier.ToClassifications(GarmentPhotoKind.Unknown));
        var flags = GarmentPhotoClassifier.ToClassifications(GarmentPhotoKind.GhostMannequin);
        Assert.Equal(3, flags.Count);
        Assert.True(flags["ghost_mannequin"]);
        Assert.False(flags["flat_lay"]);
    }
}
