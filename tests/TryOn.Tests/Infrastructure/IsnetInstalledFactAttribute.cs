namespace TryOn.Tests.Infrastructure;

/// <summary>
/// A fact that needs the optional ISNet model (AGPL-3.0) installed by <c>models/install-isnet.sh</c> in this checkout.
/// Where it is not (CI never installs it), the test is skipped with the reason, never failed.
/// </summary>
public sealed class IsnetInstalledFactAttribute : FactAttribute
{
    public IsnetInstalledFactAttribute()
    {
        if (InstalledDirectory is null)
        {
            Skip = "The optional ISNet model is not installed in this checkout (models/install-isnet.sh); CI never installs it.";
        }
    }

    /// <summary>The checkout's <c>models/optional/isnet</c> when it holds an installed manifest; otherwise null.</summary>
    public static string? InstalledDirectory
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "TryOn.sln")))
                {
                    var isnet = Path.Combine(folder.FullName, "models", "optional", "isnet");
                    return File.Exists(Path.Combine(isnet, "manifest.json")) ? isnet : null;
                }
            }

            return null;
        }
    }
}
