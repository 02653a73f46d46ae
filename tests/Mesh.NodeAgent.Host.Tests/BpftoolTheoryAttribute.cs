using Mesh.Testing.Prerequisites;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>A theory that needs bpf(2) and bpftool; skipped with the reason otherwise (failed when prerequisites are required).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BpftoolTheoryAttribute : TheoryAttribute
{
    public BpftoolTheoryAttribute() => Skip = (Prerequisite.MissingBpf ?? Prerequisite.MissingExecutables("bpftool")) is { } missing && !Prerequisite.Required ? missing : null;
}
