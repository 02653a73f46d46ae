namespace Mesh.KvStore.Sync;

/// <summary>A guarded write of a <see cref="SyncStore"/> was refused because a guard did not hold (the writer was fenced out).</summary>
public sealed class KvGuardFailedException : Exception
{
    public KvGuardFailedException()
    {
    }

    public KvGuardFailedException(string message) : base(message)
    {
    }

    public KvGuardFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
