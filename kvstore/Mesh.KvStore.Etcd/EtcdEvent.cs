namespace Mesh.KvStore.Etcd;

/// <summary>One change. For a delete, <see cref="Kv"/> has the key and the deletion's mod revision and no value.</summary>
public sealed record EtcdEvent(EtcdEventType Type, EtcdKeyValue Kv, EtcdKeyValue? PrevKv);
