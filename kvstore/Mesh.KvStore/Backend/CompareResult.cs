namespace Mesh.KvStore.Backend;

/// <summary>The relation a <see cref="TxnCompare"/> demands (etcd Compare.CompareResult; numbers are the wire values).</summary>
public enum CompareResult
{
    Equal = 0,
    Greater = 1,
    Less = 2,
    NotEqual = 3,
}
