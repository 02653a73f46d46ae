using Xunit;

namespace Mesh.Testing.Prerequisites;

/// <summary>A fact that needs root, network namespaces and the named executables (e.g. "bgpd", "bird", "gobgpd").</summary>
public sealed class ToolsFactAttribute : FactAttribute
{
    public ToolsFactAttribute(params string[] executables) =>
        Skip = SkipReason.For(Prerequisite.MissingNetns ?? Prerequisite.MissingExecutables(executables));
}
