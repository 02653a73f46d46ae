using Xunit;

namespace Mesh.Testing.Prerequisites;

/// <summary>A fact that needs root and working network namespaces.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute() => Skip = SkipReason.For(Prerequisite.MissingNetns);
}
