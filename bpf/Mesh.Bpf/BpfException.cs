using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>
/// A failed bpf(2) call: which command, which errno, on what (map name or pin path) and, for program loads, the
/// verifier log. A full map (E2BIG from a hash, ENOSPC from an LPM trie) is recognisable through <see cref="IsMapFull"/>.
/// </summary>
public sealed class BpfException : Exception
{
    public BpfException(BpfCommand command, int errno, string? verifierLog = null)
        : this(command, errno, subject: null, elementsProcessed: null, verifierLog)
    {
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

    private BpfException(BpfCommand command, int errno, string? subject, int? elementsProcessed, string? verifierLog)
        : base(Format(command, errno, subject, elementsProcessed, verifierLog))
    {
        Command = command;
        Errno = errno;
        Subject = subject;
        ElementsProcessed = elementsProcessed;
        VerifierLog = verifierLog;
    }

    public BpfCommand Command { get; }

    public int Errno { get; }

    /// <summary>The map name or pin path the call was about, when known.</summary>
    public string? Subject { get; }

    /// <summary>For batch commands: how many elements the kernel applied before the failing one (its index).</summary>
    public int? ElementsProcessed { get; }

    public string? VerifierLog { get; }

    /// <summary>An insert was refused because the map holds max_entries elements.</summary>
    public bool IsMapFull => IsFull(Command, Errno);

    /// <summary>A failure about a named map or path; for batches, with the number of elements applied before it.</summary>
    public static BpfException For(BpfCommand command, int errno, string? subject, int? elementsProcessed = null) =>
        new(command, errno, subject, elementsProcessed, verifierLog: null);

    private static bool IsFull(BpfCommand command, int errno) =>
        command is BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch && errno is Syscalls.Errno.E2BIG or Syscalls.Errno.ENOSPC;

    private static string Format(BpfCommand command, int errno, string? subject, int? processed, string? verifierLog)
    {
        var on = subject is null ? string.Empty : $" on {subject}";
        var after = processed is { } count ? $" after {count} elements" : string.Empty;
        var full = IsFull(command, errno) ? ": map full" : string.Empty;
        var text = $"bpf({CommandName(command)}){on} failed{after}: {Syscalls.Errno.Describe(errno)}{full}";
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
        BpfCommand.ObjGetInfoByFd => "BPF_OBJ_GET_INFO_BY_FD",
        BpfCommand.MapLookupBatch => "BPF_MAP_LOOKUP_BATCH",
        BpfCommand.MapUpdateBatch => "BPF_MAP_UPDATE_BATCH",
        BpfCommand.MapDeleteBatch => "BPF_MAP_DELETE_BATCH",
        _ => command.ToString(),
    };
}
