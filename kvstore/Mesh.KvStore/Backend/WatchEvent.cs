namespace Mesh.KvStore.Backend;

/// <summary>One change seen by a watch: the key's new state, or its deletion (with the value before, when asked for).</summary>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv, KeyValue? Previous);
