namespace Mesh.Testing.Etcd;

/// <summary>etcd did not come up: the message carries its own log output.</summary>
public sealed class EtcdStartException : Exception
{
    public EtcdStartException()
    {
    }

    public EtcdStartException(string message) : base(message)
    {
    }

    public EtcdStartException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
