namespace Mesh.KvStore.Etcd;

/// <summary><see cref="Succeeded"/> tells which branch ran; <see cref="Responses"/> are its results in order.</summary>
public sealed record EtcdTxnResult(EtcdHeader Header, bool Succeeded, IReadOnlyList<EtcdTxnOperationResult> Responses);
