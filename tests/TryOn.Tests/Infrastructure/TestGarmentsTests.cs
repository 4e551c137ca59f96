using NetVips;

namespace TryOn.Tests.Infrastructure;

public sealed class TestGarmentsTests
{
    public static TheoryData<string> Garments => ["TShirt", "LongSleeveTop", "Dress", "Trousers", "Skirt"];

    [Theory]
    [MemberData(nameof(Garments))]
    public void Each_garment_is_a_JPEG_of_a_garment_in_the_middle_of_a_light_floor(string name)
    {
        using var photo = Image.NewFromBuffer(Draw(name));

        Assert.Equal("jpegload_buffer", photo.Get("vips-loader"));
        Assert.Equal((TestGarments.Width, TestGarments.Height, 3), (photo.Width, photo.Height, photo.Bands));
        var (x, y) = Middle(name);
        Assert.True(photo.Getpoint(x, y).Min() < 200, $"{name}: the middle is garment");
        foreach (var (cx, cy) in new[] { (0, 0), (photo.Width - 1, 0), (0, photo.Height - 1), (photo.Width - 1, photo.Height - 1) })
        {
            Assert.True(photo.Getpoint(cx, cy).Min() >= 235, $"{name}: the corner ({cx}, {cy}) is floor");
        }

        // The whole margin is floor: within 0.08 of white in every channel.
        foreach (var (left, top, width, height) in new[] { (0, 0, photo.Width, 20), (0, photo.Height - 20, photo.Width, 20), (0, 0, 20, photo.Height), (photo.Width - 20, 0, 20, photo.Height) })
        {
            using var strip = photo.Crop(left, top, width, height);
            Assert.True(strip.Min() >= 235, $"{name}: the margin at ({left}, {top}) is floor");
        }
    }

    private static byte[] Draw(string name) => name switch
    {
        "TShirt" => TestGarments.TShirt(),
        "LongSleeveTop" => TestGarments.LongSleeveTop(),
        "Dress" => TestGarments.Dress(),
        "Trousers" => TestGarments.Trousers(),
        "Skirt" => TestGarments.Skirt(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The photo's centre, except for the trousers, whose centre falls between the legs: their hips.</summary>
    private static (int X, int Y) Middle(string name) =>
        name == "Trousers" ? (TestGarments.Width / 2, 300) : (TestGarments.Width / 2, TestGarments.Height / 2);
}
