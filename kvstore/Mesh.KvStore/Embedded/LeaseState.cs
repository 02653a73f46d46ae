namespace Mesh.KvStore.Embedded;

/// <summary>A live lease: its TTL, expiry timer and the keys bound to it.</summary>
internal sealed class LeaseState(long id, TimeSpan ttl)
{
    public long Id { get; } = id;

    public TimeSpan Ttl { get; } = ttl;

    public DateTimeOffset ExpiresAt { get; set; }

    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    public ITimer? Timer { get; set; }
}
