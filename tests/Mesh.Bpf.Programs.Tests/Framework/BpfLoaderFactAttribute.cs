using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>A fact that needs bpf(2) and libbpf.so.1 (see <see cref="KernelPrerequisites"/>).</summary>
public sealed class BpfLoaderFactAttribute : FactAttribute
{
    public BpfLoaderFactAttribute() => Skip = Prerequisite.Required ? null : KernelPrerequisites.Missing;
}
