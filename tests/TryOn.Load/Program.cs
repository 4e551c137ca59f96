using TryOn.Load;

// The load tool: drives a running TryOn service on loopback for a bounded time and prints throughput,
// latency percentiles and outcomes. See docs/PERFORMANCE.md for the commands behind each figure.
if (args is ["bare", ..])
{
    return await BareEndpoint.RunAsync(args);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    cancel.Cancel();
};

using var target = await LoadTarget.PrepareAsync(options, cancel.Token);
var recorder = await new Scenarios(target, options).RunAsync(cancel.Token);
Console.WriteLine(recorder.Summarize(options.Scenario));
if (options.ServerPid is { } pid)
{
    Console.WriteLine($"service peak memory (VmHWM): {ProcessMemory.PeakResidentMegabytes(pid)} MiB");
}

return 0;
