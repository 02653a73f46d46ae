namespace Mesh.KvStore.Backend;

/// <summary>A granted lease and the TTL the server chose.</summary>
public sealed record LeaseGrant(long Id, TimeSpan Ttl);
