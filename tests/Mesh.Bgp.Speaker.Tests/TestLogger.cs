using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>Speaker logs into the test output (shown when a test fails); also appended to $MESH_TEST_LOG when set.</summary>
internal sealed class TestLogger<T>(ITestOutputHelper output, string name) : ILogger<T>
{
    private static readonly object FileLock = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {name} {logLevel} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished.
        }

        if (Environment.GetEnvironmentVariable("MESH_TEST_LOG") is { Length: > 0 } path)
        {
            lock (FileLock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
