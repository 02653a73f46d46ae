namespace Mesh.Bgp.Agent.Api;

/// <summary>The control API refused a request; the message is the server's reason.</summary>
public sealed class BgpApiException : Exception
{
    public BgpApiException()
    {
    }

    public BgpApiException(string message) : base(message)
    {
    }

    public BgpApiException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
