namespace Mesh.KvStore.Backend;

/// <summary>What a <see cref="TxnCompare"/> looks at (etcd Compare.CompareTarget; numbers are the wire values).</summary>
public enum CompareTarget
{
    Version = 0,
    CreateRevision = 1,
    ModRevision = 2,
    Value = 3,
    Lease = 4,
}
