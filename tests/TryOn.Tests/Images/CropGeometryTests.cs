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
    public void With_a_person_the_box_follows_them_and_keeps_headroom()
    {
        var box = CropGeometry.FourByFive(2000, 5000, new PixelBox(1400, 1000, 300, 1000));
        Assert.Equal((2000, 2500), (box.Width, box.Height));
        Assert.Equal(950, box.Top);

        var wide = CropGeometry.FourByFive(3000, 1000, new PixelBox(2500, 100, 200, 800));
        Assert.Equal(800, wide.Width);
        Assert.Equal(2200, wide.Left);
    }

    [Fact]
    public void A_person_at_the_edge_never_pushes_the_box_outside_the_image()
    {
        var box = CropGeometry.FourByFive(3000, 1000, new PixelBox(2950, 0, 50, 1000));
        Assert.Equal(3000 - box.Width, box.Left);
        var early = CropGeometry.FourByFive(1000, 3000, new PixelBox(0, 2900, 100, 100));
        Assert.Equal(3000 - early.Height, early.Top);
    }
}
