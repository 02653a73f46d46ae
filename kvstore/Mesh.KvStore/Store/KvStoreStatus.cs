namespace Mesh.KvStore.Store;

/// <summary>Health of the connection as the store sees it.</summary>
/// <param name="Connected">The last call reached the backend.</param>
/// <param name="Revision">The backend's revision at the last status call, or 0 when unreachable.</param>
/// <param name="Leases">Leases this store holds.</param>
/// <param name="LeasedKeys">Keys this store wrote with a lease.</param>
/// <param name="LastError">The last failure, if any.</param>
/// <param name="LastErrorAt">When it happened.</param>
/// <param name="ConsecutiveErrors">Failures since the last success.</param>
public sealed record KvStoreStatus(
    bool Connected,
    long Revision,
    int Leases,
    int LeasedKeys,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveErrors);
