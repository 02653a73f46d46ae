using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>A failed bpf(2) call: which command, which errno and, for program loads, the verifier log.</summary>
public sealed class BpfException : Exception
{
    public BpfException(BpfCommand command, int errno, string? verifierLog = null)
        : base(Format(command, errno, verifierLog))
    {
        Command = command;
        Errno = errno;
        VerifierLog = verifierLog;
    }

    public BpfException()
    {
    }

    public BpfException(string message) : base(message)
    {
    }

    public BpfException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BpfCommand Command { get; }

    public int Errno { get; }

    public string? VerifierLog { get; }

    private static string Format(BpfCommand command, int errno, string? verifierLog)
    {
        var text = $"bpf({CommandName(command)}) failed: {Syscalls.Errno.Describe(errno)}";
        return string.IsNullOrWhiteSpace(verifierLog) ? text : $"{text}; verifier: {verifierLog.Trim()}";
    }

    private static string CommandName(BpfCommand command) => command switch
    {
        BpfCommand.MapCreate => "BPF_MAP_CREATE",
        BpfCommand.MapLookupElem => "BPF_MAP_LOOKUP_ELEM",
        BpfCommand.MapUpdateElem => "BPF_MAP_UPDATE_ELEM",
        BpfCommand.MapDeleteElem => "BPF_MAP_DELETE_ELEM",
        BpfCommand.MapGetNextKey => "BPF_MAP_GET_NEXT_KEY",
        BpfCommand.ProgLoad => "BPF_PROG_LOAD",
        BpfCommand.ObjPin => "BPF_OBJ_PIN",
        BpfCommand.ObjGet => "BPF_OBJ_GET",
        BpfCommand.ProgTestRun => "BPF_PROG_TEST_RUN",
        _ => command.ToString(),
    };
}
