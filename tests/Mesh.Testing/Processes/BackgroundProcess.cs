using System.Diagnostics;
using System.Text;

namespace Mesh.Testing.Processes;

/// <summary>
/// A long-running child (etcd, a routing daemon) whose output is kept for diagnostics and which is killed by
/// PID when disposed, or when the test host exits.
/// </summary>
public sealed class BackgroundProcess : IAsyncDisposable
{
    private const int MaxKeptOutput = 64 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BackgroundProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last 64 KiB of stdout+stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static BackgroundProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = ProcessRunner.CreateStartInfo(fileName, arguments, environment);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var background = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => background.Append(e.Data);
        process.ErrorDataReceived += (_, e) => background.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ChildProcessRegistry.Track(process);
        return background;
    }

    /// <summary>SIGKILL, as a crash would end it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        Signals.Terminate(_process.Id);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        ChildProcessRegistry.Forget(_process);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > MaxKeptOutput)
            {
                _output.Remove(0, _output.Length - MaxKeptOutput);
            }
        }
    }
}
