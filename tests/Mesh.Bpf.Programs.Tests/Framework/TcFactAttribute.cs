using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>A fact that loads objects and attaches them to interfaces of network namespaces it creates (root).</summary>
public sealed class TcFactAttribute : FactAttribute
{
    public TcFactAttribute() => Skip = Prerequisite.Required ? null : KernelPrerequisites.Missing ?? Prerequisite.MissingNetns;
}
