namespace Mesh.KvStore.Etcd;

/// <summary>The result of one transaction operation: the member matching the operation's kind is set.</summary>
public sealed record EtcdTxnOperationResult(EtcdRangeResult? Range, EtcdPutResult? Put, EtcdDeleteResult? Delete);
