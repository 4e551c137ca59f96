using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace TryOn.Grains.Engines;

/// <summary>Where the models are and how they run (configuration section <c>Models</c>).</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Models";

    /// <summary>The folder with <c>manifest.json</c>; by default the <c>models</c> folder beside the service.</summary>
    public string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary><c>cpu</c> or <c>cuda</c>; CUDA falls back to the CPU, with a warning, when it cannot start.</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>
    /// Threads one model run may use on the CPU, for every model. 0 (the default): each model's own setting in the
    /// manifest (<c>intraOpThreads</c>, where measured to be faster), else one per core, ONNX Runtime's default.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// The folder of the optional ISNet cut-out model (<c>models/install-isnet.sh</c>, AGPL-3.0), relative to the working
    /// directory like <c>DataDirectory</c>. It is loaded only when a <c>manifest.json</c> is there; empty: never looked for.
    /// </summary>
    public string IsnetDirectory { get; set; } = Path.Combine("models", "optional", "isnet");
}

internal sealed record ManifestEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("outputs")] IReadOnlyDictionary<string, int[]>? Outputs = null,
    [property: JsonPropertyName("intraOpThreads")] int? IntraOpThreads = null);

internal sealed record Manifest([property: JsonPropertyName("models")] IReadOnlyList<ManifestEntry> Models);

/// <summary>
/// The ONNX models of the engines: read from the manifest, each file checked against its SHA-256, one
/// <see cref="InferenceSession"/> per model for the whole process, created and warmed once. Readiness waits for it.
/// The optional ISNet cut-out model is treated the same way when, and only when, its installed manifest is found.
/// </summary>
internal sealed partial class OnnxModels(IOptions<ModelOptions> options, ILogger<OnnxModels> logger) : IDisposable
{
    /// <summary>The name the optional ISNet model has in its installed manifest.</summary>
    public const string IsnetName = "isnet";

    private readonly Dictionary<string, InferenceSession> _sessions = new(StringComparer.Ordinal);
    private volatile bool _ready;

    /// <summary>Set once CUDA failed to load: the other models go straight to the CPU, under the one warning.</summary>
    private bool _cudaUnavailable;

    public bool IsReady => _ready;

    /// <summary>The provider the sessions run on after any fallback.</summary>
    public string ExecutionProvider { get; private set; } = "cpu";

    public InferenceSession Session(string name) =>
        _sessions.TryGetValue(name, out var session) ? session : throw new InvalidOperationException($"The model '{name}' is not loaded.");

    public bool Has(string name) => _sessions.ContainsKey(name);

    /// <summary>How a session is opened on a verified model; tests replace it to watch the sessions' lifetimes.</summary>
    internal Func<byte[], SessionOptions, InferenceSession> OpenSession { get; init; } =
        static (model, sessionOptions) => new InferenceSession(model, sessionOptions);

    /// <summary>
    /// Verifies and loads every model of the manifest, then the optional ISNet model when it is installed, and runs each
    /// once. Throws when a file is missing or altered.
    /// </summary>
    public void Load()
    {
        var directory = options.Value.Directory;
        foreach (var entry in ReadManifest(directory))
        {
            LoadModel(directory, entry);
            LogModelLoaded(logger, entry.Name, ExecutionProvider);
        }

        LoadIsnet();
        _ready = true;
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    private void LoadIsnet()
    {
        var configured = options.Value.IsnetDirectory;
        var directory = string.IsNullOrWhiteSpace(configured) ? null : Path.GetFullPath(configured);
        if (directory is null || !File.Exists(Path.Combine(directory, "manifest.json")))
        {
            LogIsnetAbsent(logger, directory ?? "not configured");
            return;
        }

        var entry = ReadManifest(directory).FirstOrDefault(model => model.Name == IsnetName)
            ?? throw new InvalidOperationException($"{Path.Combine(directory, "manifest.json")} does not describe the '{IsnetName}' model.");
        // ISNet runs once per new product image and its activations take about 1.7 GB: without the arena that memory
        // goes back after each run (measured: 0.55 GB resident instead of 2.2 GB, the run about 13 % slower).
        LoadModel(directory, entry, memoryArena: false);
        LogIsnetUsed(logger, Path.Combine(directory, entry.File), ExecutionProvider);
    }

    private static IReadOnlyList<ManifestEntry> ReadManifest(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllBytes(manifestPath))
            ?? throw new InvalidOperationException($"{manifestPath} is empty.");
        return manifest.Models;
    }

    private void LoadModel(string directory, ManifestEntry entry, bool memoryArena = true)
    {
        var path = Path.Combine(directory, entry.File);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The model file {entry.File} named in {Path.Combine(directory, "manifest.json")} is missing; the build puts it there (see models/README.md).");
        }

        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The model file {entry.File} does not match its SHA-256 in {Path.Combine(directory, "manifest.json")}.");
        }

        using var sessionOptions = CreateSessionOptions(options.Value.IntraOpThreads > 0 ? options.Value.IntraOpThreads : entry.IntraOpThreads ?? 0);
        sessionOptions.EnableCpuMemArena = memoryArena;
        var session = OpenSession(bytes, sessionOptions);
        try
        {
            Warm(session, entry.Outputs?.Keys.ToArray() ?? [.. session.OutputNames]);
        }
        catch
        {
            // The start stops; the native session and the weights it holds go now rather than whenever the process ends.
            session.Dispose();
            throw;
        }

        _sessions[entry.Name] = session;
    }

    private SessionOptions CreateSessionOptions(int intraOpThreads)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(0, intraOpThreads),
        };
        if (!_cudaUnavailable && string.Equals(options.Value.ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA();
                ExecutionProvider = "cuda";
                return sessionOptions;
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                _cudaUnavailable = true;
                LogCudaUnavailable(logger, exception);
            }
        }

        ExecutionProvider = "cpu";
        return sessionOptions;
    }

    /// <summary>
    /// One run on zeros, so the first generation does not pay for the graph's set-up; only the outputs the engines
    /// read are fetched (ISNet also exports a dozen side outputs).
    /// </summary>
    private const long WarmSide = 16;

    private static void Warm(InferenceSession session, IReadOnlyCollection<string> outputNames)
    {
        var inputs = session.InputMetadata.ToDictionary(
            input => input.Key,
            input =>
            {
                // A dynamic size (the warp graph's, -1) is warmed at a small one; a size given as input (int64) is that.
                var shape = input.Value.Dimensions.Select(d => d > 0 ? (long)d : WarmSide).ToArray();
                var count = shape.Aggregate(1L, (a, b) => a * b);
                return input.Value.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64
                    ? OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(WarmSide, (int)count).ToArray(), shape)
                    : OrtValue.CreateTensorValueFromMemory(new float[count], shape);
            });
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs, outputNames);
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Model {Model} loaded and warmed on the {ExecutionProvider} execution provider")]
    private static partial void LogModelLoaded(ILogger logger, string model, string executionProvider);

    [LoggerMessage(2, LogLevel.Warning, "The CUDA execution provider is not available; running on the CPU")]
    private static partial void LogCudaUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "ISNet cut-out model {File} verified, loaded and warmed on the {ExecutionProvider} execution provider; garment cut-outs use it (AGPL-3.0, see docs/models.md)")]
    private static partial void LogIsnetUsed(ILogger logger, string file, string executionProvider);

    [LoggerMessage(4, LogLevel.Information, "ISNet cut-out model not installed ({Directory}); garment cut-outs use the built-in heuristic")]
    private static partial void LogIsnetAbsent(ILogger logger, string directory);
}
