using Mesh.Bpf.Syscalls;
using Mesh.Testing;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class BpfProgramTests
{
    private const int TcActShot = 2;

    [BpfFact]
    public void TestRun_ProgramReturningShot_ReportsVerdictAndPacket()
    {
        using var program = BpfProgram.Load(BpfProgramType.SchedCls, [BpfInstruction.MoveImmediate(0, TcActShot), BpfInstruction.Exit()], "mesh_t_shot");
        var packet = new byte[64];
        packet[12] = 0x08; // EtherType IPv4
        var output = new byte[128];

        var result = program.TestRun(packet, output, repeat: 100);

        result.ReturnValue.Should().Be(TcActShot);
        result.OutputLength.Should().Be(packet.Length);
        output.AsSpan(0, packet.Length).SequenceEqual(packet).Should().BeTrue();
    }

    [BpfFact]
    public void Load_ProgramReadingUninitializedRegister_FailsWithVerifierReason()
    {
        // exit without setting r0: the verifier rejects it with "R0 !read_ok".
        var act = () => BpfProgram.Load(BpfProgramType.SchedCls, [BpfInstruction.Exit()], "mesh_t_bad");

        var error = act.Should().Throw<BpfException>().Which;
        error.Errno.Should().Be(Errno.EACCES);
        error.VerifierLog.Should().Contain("R0 !read_ok");
        error.Message.Should().Contain("BPF_PROG_LOAD").And.Contain("verifier:");
    }
}
