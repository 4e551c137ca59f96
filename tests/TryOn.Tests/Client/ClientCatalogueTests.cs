using System.Reflection;
using System.Text.RegularExpressions;
using TryOn.Client.Errors;
using TryOn.Contracts.Errors;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Client;

/// <summary>
/// The client ships on its own, so it carries its own copy of the codes and of which ones to retry: these tests hold
/// the copy to the server's catalogue and to the "Retry?" column of docs/errors.md.
/// </summary>
public sealed partial class ClientCatalogueTests
{
    private static Dictionary<string, string> Constants(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .ToDictionary(field => field.Name, field => (string)field.GetRawConstantValue()!);

    [Fact]
    public void The_client_knows_every_code_of_the_server_under_the_same_name()
    {
        var client = Constants(typeof(TryOnErrorCodes));
        Assert.True(client.Remove(nameof(TryOnErrorCodes.UnrecognisedResponse)));
        Assert.Equal(Constants(typeof(ErrorCodes)).OrderBy(p => p.Key), client.OrderBy(p => p.Key));
    }

    [Fact]
    public void The_client_retries_exactly_the_codes_the_catalogue_says_to_retry()
    {
        // Rows of the table in docs/errors.md: | `CODE` (ext)? | status | when | Retry? |
        var retried = File.ReadAllLines(Repository.PathOf("docs", "errors.md"))
            .Select(line => Row().Match(line))
            .Where(match => match.Success && match.Groups["retry"].Value.StartsWith("Yes", StringComparison.Ordinal))
            .Select(match => match.Groups["code"].Value)
            // GENERATION_FAILED is a generation's outcome, never an answer to a call: start another try-on instead.
            .Where(code => code != ErrorCodes.GenerationFailed)
            .ToHashSet();

        Assert.NotEmpty(retried);
        Assert.Equal(retried.Order(), RetryableErrors.Codes.Order());
    }

    [Fact]
    public void The_client_package_references_no_server_project()
    {
        var project = System.Xml.Linq.XDocument.Load(Repository.PathOf("src", "Client", "TryOn.Client.csproj"));
        Assert.Empty(project.Descendants("ProjectReference"));
        Assert.All(project.Descendants("PackageReference"), package => Assert.StartsWith("Microsoft.Extensions.", package.Attribute("Include")!.Value, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\| `(?<code>[A-Z_]+)`[^|]*\|[^|]*\|[^|]*\| (?<retry>[^|]*) \|$")]
    private static partial Regex Row();
}
