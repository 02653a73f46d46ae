namespace Mesh.Testing.Processes;

/// <summary>Exit code and captured output of a finished process.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command line and both output streams when the process failed.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(
                $"'{Command}' exited with {ExitCode}.\nstdout: {StandardOutput.Trim()}\nstderr: {StandardError.Trim()}");
        }
        return this;
    }
}
