namespace Mesh.Kubernetes.Client.Http;

/// <summary>The API server answered with an error status (HTTP or a watch ERROR event).</summary>
internal sealed class KubeApiException : Exception
{
    public KubeApiException(int statusCode, string message) : base($"HTTP {statusCode}: {message}") => StatusCode = statusCode;

    public KubeApiException()
    {
    }

    public KubeApiException(string message) : base(message)
    {
    }

    public KubeApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int StatusCode { get; }

    /// <summary>410: the requested resourceVersion (or continue token) is too old; relist.</summary>
    public bool IsGone => StatusCode == 410;
}
