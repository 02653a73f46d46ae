namespace Mesh.KvStore.Backend;

/// <summary>A read or watch asked for a revision that compaction removed; the caller must relist.</summary>
public sealed class KvCompactedException : Exception
{
    public KvCompactedException(long requestedRevision, long compactRevision)
        : base($"revision {requestedRevision} has been compacted (compact revision {compactRevision}); relist required")
    {
        RequestedRevision = requestedRevision;
        CompactRevision = compactRevision;
    }

    public KvCompactedException()
    {
    }

    public KvCompactedException(string message) : base(message)
    {
    }

    public KvCompactedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public long RequestedRevision { get; }

    public long CompactRevision { get; }
}
