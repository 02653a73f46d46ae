namespace Mesh.KvStore.Etcd;

/// <summary>A keep-alive answer: the renewed TTL, or <see cref="IsExpired"/> when the lease no longer exists.</summary>
public sealed record EtcdLeaseKeepAlive(EtcdHeader Header, long Id, TimeSpan Ttl)
{
    public bool IsExpired => Ttl <= TimeSpan.Zero;
}
