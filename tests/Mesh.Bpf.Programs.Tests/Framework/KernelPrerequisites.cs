using System.Runtime.InteropServices;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>What loading objects needs beyond <see cref="Prerequisite.MissingBpf"/>: libbpf.so.1.</summary>
internal static class KernelPrerequisites
{
    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (Prerequisite.MissingBpf is { } bpf)
        {
            return bpf;
        }
        if (!NativeLibrary.TryLoad("libbpf.so.1", out var handle))
        {
            return "libbpf.so.1 is not installed (apt-get install libbpf1)";
        }
        NativeLibrary.Free(handle);
        return null;
    });

    public static string? Missing => Probe.Value;
}
