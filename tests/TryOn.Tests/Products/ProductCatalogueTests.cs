using TryOn.Contracts.Products;
using TryOn.Grains.Products;

namespace TryOn.Tests.Products;

public sealed class ProductCatalogueTests
{
    [Theory]
    [InlineData("Red tee", null, "tops")]
    [InlineData("Classic T-Shirt", null, "tops")]
    [InlineData("Denim jacket", null, "outerwear")]
    [InlineData("Slim jeans", null, "bottoms")]
    [InlineData("Summer dresses", null, "dresses")]
    [InlineData("Aviator sunglasses", null, "eyewear")]
    [InlineData("Wool beanie", null, "headwear")]
    [InlineData("Leather boots", null, "footwear")]
    [InlineData("Silk scarf", null, "accessories")]
    [InlineData("The Everyday One", "A relaxed cotton shirt", "tops")]
    [InlineData("Shirt dress", null, "dresses")]
    [InlineData("Mystery item", "nothing to see", "other")]
    [InlineData(null, null, "other")]
    public void Category_comes_from_the_words_of_title_then_description(string? title, string? description, string expected) =>
        Assert.Equal(expected, ProductCatalogue.DeriveCategory(title, description));

    [Theory]
    [InlineData("https://cdn.example.com/tee-back.jpg", false, true)]
    [InlineData("/images/FRONT_view.png", true, false)]
    [InlineData("rear.webp", false, true)]
    public void View_comes_from_the_file_name(string name, bool front, bool back)
    {
        var view = ProductCatalogue.ViewFromName(name);
        Assert.Equal(front, view["front"]);
        Assert.Equal(back, view["back"]);
    }

    [Theory]
    [InlineData("tee.jpg")]
    [InlineData("front-and-back.jpg")]
    [InlineData("")]
    public void No_view_is_claimed_without_a_single_clear_word(string name) =>
        Assert.Empty(ProductCatalogue.ViewFromName(name));
}
