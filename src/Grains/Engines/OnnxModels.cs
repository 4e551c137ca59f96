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
}

internal sealed record ManifestEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("sha256")] string Sha256);

internal sealed record Manifest([property: JsonPropertyName("models")] IReadOnlyList<ManifestEntry> Models);

/// <summary>
/// The ONNX models of the engines: read from the manifest, each file checked against its SHA-256, one
/// <see cref="InferenceSession"/> per model for the whole process, created and warmed once. Readiness waits for it.
/// </summary>
internal sealed partial class OnnxModels(IOptions<ModelOptions> options, ILogger<OnnxModels> logger) : IDisposable
{
    private readonly Dictionary<string, InferenceSession> _sessions = new(StringComparer.Ordinal);
    private volatile bool _ready;

    public bool IsReady => _ready;

    /// <summary>The provider the sessions run on after any fallback.</summary>
    public string ExecutionProvider { get; private set; } = "cpu";

    public InferenceSession Session(string name) =>
        _sessions.TryGetValue(name, out var session) ? session : throw new InvalidOperationException($"The model '{name}' is not loaded.");

    /// <summary>Verifies and loads every model of the manifest, then runs each once. Throws when a file is missing or altered.</summary>
    public void Load()
    {
        var directory = options.Value.Directory;
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllBytes(manifestPath))
            ?? throw new InvalidOperationException($"{manifestPath} is empty.");
        foreach (var entry in manifest.Models)
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, entry.File));
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The model file {entry.File} does not match its SHA-256 in {manifestPath}.");
            }

            var session = new InferenceSession(bytes, CreateSessionOptions());
            Warm(session);
            _sessions[entry.Name] = session;
            LogModelLoaded(logger, entry.Name, ExecutionProvider);
        }

        _ready = true;
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    private SessionOptions CreateSessionOptions()
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (string.Equals(options.Value.ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA();
                ExecutionProvider = "cuda";
                return sessionOptions;
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                LogCudaUnavailable(logger, exception);
            }
        }

        ExecutionProvider = "cpu";
        return sessionOptions;
    }

    /// <summary>One run on zeros, so the first generation does not pay for the graph's set-up.</summary>
    private static void Warm(InferenceSession session)
    {
        var inputs = session.InputMetadata.ToDictionary(
            input => input.Key,
            input => OrtValue.CreateTensorValueFromMemory(new float[input.Value.Dimensions.Aggregate(1L, (a, b) => a * b)], input.Value.Dimensions.Select(d => (long)d).ToArray()));
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs, session.OutputNames);
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
}
