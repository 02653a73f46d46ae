using Xunit;

namespace Mesh.Testing.Prerequisites;

/// <summary>A fact that needs the etcd and etcdctl binaries; skipped with the reason when they are missing.</summary>
public sealed class EtcdFactAttribute : FactAttribute
{
    public EtcdFactAttribute() => Skip = SkipReason.For(Prerequisite.MissingEtcd);
}
