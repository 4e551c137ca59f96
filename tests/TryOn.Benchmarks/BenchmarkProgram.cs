using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace TryOn.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- --filter '*'</c>. Benchmarks run in-process
/// (the generated-project toolchain would inherit the repository's strict build settings). With the single
/// argument <c>scheduler</c> it measures slot use at saturation instead; with <c>e2e</c> (and its options) the
/// time a generation spends outside the engine, by stage; with <c>isnet</c> the optional ISNet cut-out; <c>person-pictures</c> draws what the person analysis sees; <c>dress-pictures</c> the pose-warp engine's gallery;
/// <c>image-bombs</c> the decompression-bomb matrix through NetVips and ImageSharp.
/// </summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["scheduler"])
        {
            SchedulerUtilization.RunAsync().GetAwaiter().GetResult();
            return;
        }

        if (args is ["e2e", .. var options])
        {
            EndToEndGeneration.RunAsync(options).GetAwaiter().GetResult();
            return;
        }

        if (args is ["isnet", .. var isnetOptions])
        {
            IsnetCutoutTiming.RunAsync(isnetOptions).GetAwaiter().GetResult();
            return;
        }

        if (args is ["person-pictures", .. var pictureOptions])
        {
            PersonDebugPictures.Run(pictureOptions);
            return;
        }

        if (args is ["dress-pictures", .. var dressOptions])
        {
            DressPictures.Run(dressOptions);
            return;
        }

        if (args is ["image-bombs", .. var bombOptions])
        {
            ImageBombMatrix.Run(bombOptions);
            return;
        }

        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, config);
    }
}
