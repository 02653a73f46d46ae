namespace Mesh.KvStore.Etcd;

/// <summary>The header etcd puts on every response: which cluster and member answered, at which revision.</summary>
public sealed record EtcdHeader(ulong ClusterId, ulong MemberId, long Revision, ulong RaftTerm);
