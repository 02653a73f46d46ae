namespace Mesh.Bpf.Loader;

/// <summary>
/// An object that could not be opened or loaded. For a program the verifier rejected, the message ends with the
/// verifier's log (its last lines name the reason) and <see cref="VerifierLog"/> holds all of it.
/// </summary>
public sealed class BpfLoadException : Exception
{
    public BpfLoadException()
    {
    }

    public BpfLoadException(string message) : base(message)
    {
    }

    public BpfLoadException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BpfLoadException(string objectPath, string stage, int errno, string? verifierLog, string? libbpfLog)
        : base(Format(objectPath, stage, errno, verifierLog, libbpfLog))
    {
        ObjectPath = objectPath;
        Errno = errno;
        VerifierLog = string.IsNullOrWhiteSpace(verifierLog) ? null : verifierLog;
        LibbpfLog = string.IsNullOrWhiteSpace(libbpfLog) ? null : libbpfLog;
    }

    public string? ObjectPath { get; }

    public int Errno { get; }

    /// <summary>The kernel verifier's log of the program that failed to load, when one did.</summary>
    public string? VerifierLog { get; }

    /// <summary>What libbpf reported (warnings and info) while opening and loading.</summary>
    public string? LibbpfLog { get; }

    private static string Format(string objectPath, string stage, int errno, string? verifierLog, string? libbpfLog)
    {
        var text = $"{stage} {objectPath} failed: {Mesh.Bpf.Syscalls.Errno.Describe(errno)}";
        if (!string.IsNullOrWhiteSpace(verifierLog))
        {
            return $"{text}; verifier: {verifierLog.Trim()}";
        }
        return string.IsNullOrWhiteSpace(libbpfLog) ? text : $"{text}; libbpf: {libbpfLog.Trim()}";
    }
}
