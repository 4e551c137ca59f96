using System.Xml.Linq;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Images;

/// <summary>
/// ImageSharp is in the repository only to be measured beside NetVips (tests/TryOn.Benchmarks, docs/images.md "Why
/// NetVips"); it lost, so no product project may take it in.
/// </summary>
public sealed class ImageLibraryReferenceTests
{
    [Fact]
    public void No_src_project_references_ImageSharp()
    {
        var projects = Directory.GetFiles(Repository.PathOf("src"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        var offenders = projects
            .SelectMany(project => XDocument.Load(project).Descendants("PackageReference")
                .Select(reference => (Project: Path.GetFileName(project), Package: reference.Attribute("Include")?.Value ?? "")))
            .Where(reference => reference.Package.StartsWith("SixLabors.", StringComparison.OrdinalIgnoreCase))
            .Select(reference => $"{reference.Project} references {reference.Package}");
        Assert.Empty(offenders);
    }
}
