using TryOn.Pipeline.Images;

namespace TryOn.Tests.Images;

public sealed class CropGeometryTests
{
    [Theory]
    [InlineData(1000, 800, 180, 0, 640, 800)]  // wide: full height, centred
    [InlineData(800, 2000, 0, 0, 800, 1000)]   // tall: full width, from the top
    [InlineData(800, 1000, 0, 0, 800, 1000)]   // already 4:5
    [InlineData(1, 1, 0, 0, 1, 1)]             // degenerate sizes stay inside the image
    public void Without_a_person_the_box_is_centred_and_starts_at_the_top(int width, int height, int left, int top, int cropWidth, int cropHeight) =>
        Assert.Equal(new PixelBox(left, top, cropWidth, cropHeight), CropGeometry.FourByFive(width, height));

    [Fact]
    public void A_person_who_fits_is_kept_whole_and_centred_with_a_margin()
    {
        // A full-length person in a tall photo: 1000 px high with 50 px margins fits the 2500 px box; centred on them.
        var box = CropGeometry.FourByFive(2000, 5000, new PersonPlacement(new PixelBox(1400, 1000, 300, 1000), 1550));
        Assert.Equal((2000, 2500), (box.Width, box.Height));
        Assert.Equal(1500 - 1250, box.Top);

        // In a landscape photo the box is centred across on the person.
        var wide = CropGeometry.FourByFive(3000, 1000, new PersonPlacement(new PixelBox(2500, 100, 200, 800), 2600));
        Assert.Equal(800, wide.Width);
        Assert.Equal(2600 - 400, wide.Left);
    }

    [Fact]
    public void A_person_taller_than_the_box_keeps_the_head_and_what_fits_below_it()
    {
        // 3000 px of person in a 2500 px box: from 150 px (the margin) above the head.
        var box = CropGeometry.FourByFive(2000, 5000, new PersonPlacement(new PixelBox(600, 1500, 800, 3000), 1000));
        Assert.Equal(1500 - 150, box.Top);
        Assert.True(box.Top + box.Height > 1500 + 1500, "The box reaches below the middle of the body (the hips).");
    }

    [Fact]
    public void A_person_wider_than_the_box_is_centred_on_the_torso()
    {
        // Arms spread across 1200 px of a landscape photo whose 4:5 box is 800 px wide: the torso decides.
        var box = CropGeometry.FourByFive(3000, 1000, new PersonPlacement(new PixelBox(1000, 50, 1200, 900), 1700));
        Assert.Equal(1700 - 400, box.Left);
    }

    [Fact]
    public void A_person_at_the_edge_never_pushes_the_box_outside_the_image()
    {
        var box = CropGeometry.FourByFive(3000, 1000, new PersonPlacement(new PixelBox(2950, 0, 50, 1000), 2975));
        Assert.Equal(3000 - box.Width, box.Left);
        var early = CropGeometry.FourByFive(1000, 3000, new PersonPlacement(new PixelBox(0, 2900, 100, 100), 50));
        Assert.Equal(3000 - early.Height, early.Top);
    }
}
