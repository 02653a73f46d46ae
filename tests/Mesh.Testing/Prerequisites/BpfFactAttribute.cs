using Xunit;

namespace Mesh.Testing.Prerequisites;

/// <summary>A fact that needs bpf(2): map create, sched_cls load and BPF_PROG_TEST_RUN.</summary>
public sealed class BpfFactAttribute : FactAttribute
{
    public BpfFactAttribute() => Skip = SkipReason.For(Prerequisite.MissingBpf);
}
