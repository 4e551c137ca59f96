using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Infrastructure;

/// <summary>A logger that keeps each line, as "Level: message", for assertions.</summary>
internal sealed class ListLogger<T>(List<string> lines) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Add($"{logLevel}: {formatter(state, exception)}");
}
