namespace Mesh.KvStore.Backend;

/// <summary>The backend cannot be reached right now; the operation may be retried.</summary>
public sealed class KvUnavailableException : Exception
{
    public KvUnavailableException()
    {
    }

    public KvUnavailableException(string message) : base(message)
    {
    }

    public KvUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
