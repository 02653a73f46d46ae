using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Mesh.Bpf.Loader.Native;

/// <summary>
/// Routes libbpf's printf-style messages (warnings and info; debug is dropped) into the log of the load running
/// on the calling thread, so a failed load can report what libbpf said. Installed once per process.
/// </summary>
internal static unsafe partial class LibBpfLog
{
    private const int LevelWarn = 0;
    private const int LevelInfo = 1;
    private const int MessageBufferSize = 4096;

    private static readonly Lock InstallLock = new();
    private static bool _installed;

    [ThreadStatic]
    private static StringBuilder? _capture;

    /// <summary>Captures libbpf's messages on this thread until the returned scope is disposed.</summary>
    public static Scope Capture()
    {
        Install();
        var previous = _capture;
        _capture = new StringBuilder();
        return new Scope(previous);
    }

    private static void Install()
    {
        lock (InstallLock)
        {
            if (_installed)
            {
                return;
            }
            LibBpf.SetPrint(&Print);
            _installed = true;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Print(int level, byte* format, nint arguments)
    {
        var capture = _capture;
        if (capture is null || level is not (LevelWarn or LevelInfo))
        {
            return 0;
        }
        var buffer = stackalloc byte[MessageBufferSize];
        // va_list is consumed by one call: what does not fit is cut, the verifier log comes through its own buffer.
        var written = FormatV(buffer, MessageBufferSize, format, arguments);
        if (written > 0)
        {
            capture.Append(Marshal.PtrToStringUTF8((nint)buffer, Math.Min(written, MessageBufferSize - 1)));
        }
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    private static partial int FormatV(byte* buffer, nuint size, byte* format, nint arguments);

    /// <summary>The messages captured so far; disposing restores the capture of an enclosing scope.</summary>
    public readonly struct Scope(StringBuilder? previous) : IDisposable
    {
        #pragma warning disable CA1822 // reads the thread's current capture, which the scope installed
        public string Text => _capture?.ToString() ?? string.Empty;

#pragma warning restore CA1822

        public void Dispose() => _capture = previous;
    }
}
