namespace Mesh.KvStore.Etcd;

/// <summary>Remaining and granted TTL of a lease, and its keys when asked; <see cref="IsExpired"/> when it no longer exists.</summary>
public sealed record EtcdLeaseTimeToLive(EtcdHeader Header, long Id, TimeSpan Ttl, TimeSpan GrantedTtl, IReadOnlyList<string> Keys)
{
    public bool IsExpired => Ttl < TimeSpan.Zero;
}
