using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace TryOn.Contracts.Products;

/// <summary>
/// Product categories and image classifications (docs/products.md). A caller-given category wins; otherwise it is derived
/// from words of the title and description, the first matching word deciding.
/// </summary>
public static partial class ProductCatalogue
{
    public const string Other = "other";

    public static readonly IReadOnlySet<string> Categories = new[]
    {
        "tops", "bottoms", "dresses", "outerwear", "eyewear", "headwear", "footwear", "accessories", Other,
    }.ToFrozenSet(StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> ClassificationKeys = new[]
    {
        "on_model", "flat_lay", "ghost_mannequin", "front", "back", "detail",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> CategoryOfWord = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        // Outer layers come first in spirit: "denim jacket" must not read as bottoms because of "denim".
        ["jacket"] = "outerwear", ["coat"] = "outerwear", ["parka"] = "outerwear", ["blazer"] = "outerwear",
        ["trench"] = "outerwear", ["anorak"] = "outerwear", ["windbreaker"] = "outerwear", ["gilet"] = "outerwear", ["puffer"] = "outerwear",
        ["dress"] = "dresses", ["gown"] = "dresses", ["jumpsuit"] = "dresses", ["romper"] = "dresses", ["sundress"] = "dresses", ["playsuit"] = "dresses",
        ["shirt"] = "tops", ["t-shirt"] = "tops", ["tshirt"] = "tops", ["tee"] = "tops", ["blouse"] = "tops", ["top"] = "tops",
        ["sweater"] = "tops", ["hoodie"] = "tops", ["sweatshirt"] = "tops", ["polo"] = "tops", ["tank"] = "tops", ["cardigan"] = "tops",
        ["jumper"] = "tops", ["pullover"] = "tops", ["camisole"] = "tops", ["tunic"] = "tops", ["bodysuit"] = "tops",
        ["jeans"] = "bottoms", ["trousers"] = "bottoms", ["pants"] = "bottoms", ["shorts"] = "bottoms", ["skirt"] = "bottoms",
        ["leggings"] = "bottoms", ["chinos"] = "bottoms", ["joggers"] = "bottoms", ["culottes"] = "bottoms",
        ["glasses"] = "eyewear", ["sunglasses"] = "eyewear", ["spectacles"] = "eyewear", ["eyewear"] = "eyewear", ["goggles"] = "eyewear",
        ["hat"] = "headwear", ["cap"] = "headwear", ["beanie"] = "headwear", ["beret"] = "headwear", ["fedora"] = "headwear", ["headband"] = "headwear",
        ["shoes"] = "footwear", ["sneakers"] = "footwear", ["trainers"] = "footwear", ["boots"] = "footwear", ["sandals"] = "footwear",
        ["heels"] = "footwear", ["loafers"] = "footwear",
        ["bag"] = "accessories", ["handbag"] = "accessories", ["scarf"] = "accessories", ["necklace"] = "accessories",
        ["earrings"] = "accessories", ["watch"] = "accessories", ["belt"] = "accessories", ["tie"] = "accessories",
        ["bracelet"] = "accessories", ["ring"] = "accessories", ["gloves"] = "accessories",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] CategoryPrecedence = ["outerwear", "dresses", "tops", "bottoms", "eyewear", "headwear", "footwear", "accessories"];

    /// <summary>The category the words of <paramref name="title"/> and <paramref name="description"/> point to.</summary>
    public static string DeriveCategory(string? title, string? description)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in new[] { title, description })
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            foreach (Match word in Words().Matches(text))
            {
                if (CategoryOf(word.Value) is { } category)
                {
                    found.Add(category);
                }
            }

            if (found.Count > 0)
            {
                // The title decides when it names a category; the description only when the title does not.
                break;
            }
        }

        return CategoryPrecedence.FirstOrDefault(found.Contains) ?? Other;
    }

    /// <summary>The category of a word, also in its plural form ("shirts", "dresses").</summary>
    private static string? CategoryOf(string word)
    {
        foreach (var candidate in new[] { word, word.EndsWith('s') ? word[..^1] : null, word.EndsWith("es", StringComparison.OrdinalIgnoreCase) ? word[..^2] : null })
        {
            if (candidate is not null && CategoryOfWord.TryGetValue(candidate, out var category))
            {
                return category;
            }
        }

        return null;
    }

    /// <summary>Which way an image shows the product, from words in its URL or file name ("…-back.jpg").</summary>
    public static IReadOnlyDictionary<string, bool> ViewFromName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return FrozenDictionary<string, bool>.Empty;
        }

        var words = NameParts().Split(name.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var back = words.Contains("back") || words.Contains("rear");
        var front = words.Contains("front");
        return back == front ? FrozenDictionary<string, bool>.Empty : new Dictionary<string, bool> { ["front"] = front, ["back"] = back };
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*")]
    private static partial Regex Words();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NameParts();
}
