using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>
/// A theory that needs bpf(2) (map create, sched_cls load, BPF_PROG_TEST_RUN) and libbpf.so.1; skipped with the
/// reason when either is missing, unless the run requires every prerequisite (then it runs and fails).
/// </summary>
public sealed class BpfTheoryAttribute : TheoryAttribute
{
    public BpfTheoryAttribute() => Skip = Prerequisite.Required ? null : KernelPrerequisites.Missing;
}
