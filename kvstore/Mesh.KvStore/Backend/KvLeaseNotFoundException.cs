namespace Mesh.KvStore.Backend;

/// <summary>A put or keep-alive named a lease that expired or was revoked.</summary>
public sealed class KvLeaseNotFoundException : Exception
{
    public KvLeaseNotFoundException(long leaseId) : base($"lease {leaseId:x} not found (expired or revoked)") => LeaseId = leaseId;

    public KvLeaseNotFoundException()
    {
    }

    public KvLeaseNotFoundException(string message) : base(message)
    {
    }

    public KvLeaseNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public long LeaseId { get; }
}
