using System.Buffers.Binary;
using Mesh.Bpf.Loader;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>
/// Runs one C test the way Cilium's bpf/tests driver does: load the object (fresh maps for every test, so no test
/// depends on another), run pktgen on a zeroed buffer, setup on its packet, then check on setup's packet
/// prefixed with setup's verdict, carrying the <c>__sk_buff</c> context from run to run; then decode
/// <c>suite_result_map</c>.
/// </summary>
public static class BpfTestRunner
{
    /// <summary>sizeof(struct __sk_buff) in the uapi the programs are built against.</summary>
    public const int SkbContextSize = 192;

    // struct __sk_buff: mark @8 (u32), cb[5] @48 (u32 each). Only these travel between runs: the kernel rejects
    // a context whose wire_len is shorter than the next packet, and the rest is the kernel's to fill.
    private const int MarkOffset = 8;
    private const int ControlBufferOffset = 48;
    private const int ControlBufferSize = 20;

    private const int InitialPacketSize = 64;
    private const int PacketCapacity = 4096;
    private const int ResultSize = 8192;

    public static BpfTestOutcome Run(BpfTestDefinition test)
    {
        ArgumentNullException.ThrowIfNull(test);
        using var loaded = BpfObject.Load(test.ObjectPath, new BpfObjectOptions { FallbackProgramType = BpfProgramType.SchedCls });
        var data = new byte[InitialPacketSize];
        var context = new byte[SkbContextSize];

        if (test.Pktgen is { } pktgen)
        {
            var run = loaded.Program(pktgen).TestRun(data, context, PacketCapacity);
            if (run.ReturnValue != 0)
            {
                throw new InvalidOperationException($"C test {test.Name}: pktgen {pktgen} returned {run.ReturnValue}, expected 0");
            }
            (data, context) = (run.Data, Carry(run.Context));
        }

        uint verdict = 0;
        if (test.Setup is { } setup)
        {
            var run = loaded.Program(setup).TestRun(data, context, PacketCapacity);
            if (run.ReturnValue is (uint)TestStatus.Error or (uint)TestStatus.Fail)
            {
                throw new InvalidOperationException($"C test {test.Name}: setup {setup} reported status {run.ReturnValue}");
            }
            (verdict, data, context) = (run.ReturnValue, run.Data, Carry(run.Context));
        }

        var checkInput = new byte[sizeof(uint) + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(checkInput, verdict);
        data.CopyTo(checkInput, sizeof(uint));
        var checkRun = loaded.Program(test.Check).TestRun(checkInput, context, PacketCapacity);

        var result = new byte[ResultSize];
        if (!loaded.Map("suite_result_map").TryLookup(new byte[4], result))
        {
            throw new InvalidOperationException($"C test {test.Name}: suite_result_map has no entry 0");
        }
        if (!SuiteResultReader.TryRead(result, out var suite, out var error))
        {
            throw new InvalidOperationException($"C test {test.Name}: the result map does not decode: {error}");
        }
        return new BpfTestOutcome(test.Name, verdict, checkRun.ReturnValue, suite);
    }

    /// <summary>The next run's context: the mark and control buffer of the last one, everything else zero.</summary>
    private static byte[] Carry(byte[] context)
    {
        var next = new byte[SkbContextSize];
        context.AsSpan(MarkOffset, sizeof(uint)).CopyTo(next.AsSpan(MarkOffset));
        context.AsSpan(ControlBufferOffset, ControlBufferSize).CopyTo(next.AsSpan(ControlBufferOffset));
        return next;
    }
}
