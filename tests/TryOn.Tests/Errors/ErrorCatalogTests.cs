using System.Text.RegularExpressions;
using TryOn.Contracts.Errors;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Errors;

/// <summary>
/// Holds the code to the customer's catalogue (seeds/errors.md, kept as a copy beside this file):
/// every seed code exists with its documented status, and the merchant docs list every code.
/// </summary>
public sealed partial class ErrorCatalogTests
{
    public static TheoryData<string, int> SeedCodes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (code, status) in ParseSeed(File.ReadAllText(SeedCopyPath)))
        {
            data.Add(code, status);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedCodes))]
    public void Every_seed_code_exists_with_its_documented_status(string code, int status)
    {
        Assert.True(ErrorCatalog.TryGet(code, out var definition), $"{code} is missing from the error catalogue.");
        Assert.Equal(status, definition.Status);
        Assert.False(definition.Additive, $"{code} is a seed code and must not be marked additive.");
    }

    [Fact]
    public void The_seed_has_the_codes_we_expect_to_parse()
    {
        var codes = ParseSeed(File.ReadAllText(SeedCopyPath)).Select(entry => entry.Code).ToList();
        Assert.Equal(26, codes.Count);
        Assert.Contains("MISSING_REQUIRED_CLASSIFICATION", codes);
        Assert.Contains("PRODUCT_IMAGE_FETCH_FAILED", codes);
    }

    [Fact]
    public void Every_code_not_in_the_seed_is_marked_additive()
    {
        var seed = ParseSeed(File.ReadAllText(SeedCopyPath)).Select(entry => entry.Code).ToHashSet();
        Assert.All(ErrorCatalog.All.Where(definition => !seed.Contains(definition.Code)), definition => Assert.True(definition.Additive, definition.Code));
    }

    [CustomerCatalogueFact]
    public void The_copy_matches_the_customers_document_when_it_is_beside_the_repository() =>
        Assert.Equal(File.ReadAllText(CustomerCataloguePath), File.ReadAllText(SeedCopyPath));

    /// <summary>The customer's own catalogue, in the shared folder beside the repository when the checkout has one.</summary>
    internal static string CustomerCataloguePath => Path.Combine(Repository.Root, "..", "shared", "seeds", "errors.md");

    /// <summary>A fact that compares with the customer's catalogue: skipped, with the reason, in a clone without it.</summary>
    private sealed class CustomerCatalogueFactAttribute : FactAttribute
    {
        public CustomerCatalogueFactAttribute()
        {
            if (!File.Exists(CustomerCataloguePath))
            {
                Skip = "The customer's catalogue (../shared/seeds/errors.md) is not beside this clone; only the copy is checked.";
            }
        }
    }

    [Fact]
    public void Merchant_docs_list_every_code_with_its_status()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "errors.md"));
        Assert.All(ErrorCatalog.All, definition =>
            Assert.Matches(new Regex($@"\|\s*`{definition.Code}`(\s\*\(ext\)\*)?\s*\|\s*{definition.Status}\s*\|"), docs));
    }

    [Fact]
    public void Codes_and_statuses_are_well_formed()
    {
        Assert.All(ErrorCatalog.All, definition =>
        {
            Assert.Matches("^[A-Z][A-Z_]+$", definition.Code);
            Assert.InRange(definition.Status, 400, 599);
        });
        Assert.Equal(ErrorCatalog.All.Count, ErrorCatalog.All.Select(definition => definition.Code).Distinct().Count());
    }

    /// <summary>
    /// Rows of the "## Codes" section: tables with a Status column, or a heading such as
    /// "### Request validation (400)" giving the status of a table without one.
    /// </summary>
    internal static List<(string Code, int Status)> ParseSeed(string markdown)
    {
        var codes = new List<(string, int)>();
        var section = markdown[markdown.IndexOf("## Codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("## Handling errors", StringComparison.Ordinal)];
        int? headingStatus = null;
        foreach (var line in section.Split('\n'))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                var status = HeadingStatus().Match(line);
                headingStatus = status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
                continue;
            }

            var row = CodeRow().Match(line);
            if (!row.Success)
            {
                continue;
            }

            var columnStatus = row.Groups[2].Success ? int.Parse(row.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
            codes.Add((row.Groups[1].Value, columnStatus ?? headingStatus ?? throw new InvalidDataException($"No status for {line}")));
        }

        return codes;
    }

    private static string SeedCopyPath => Path.Combine(AppContext.BaseDirectory, "Errors", "errors.seed.md");

    [GeneratedRegex(@"\((\d{3})\)\s*$")]
    private static partial Regex HeadingStatus();

    [GeneratedRegex(@"^\|\s*`([A-Z_]+)`\s*\|(?:\s*(\d{3})\s*\|)?")]
    private static partial Regex CodeRow();
}
