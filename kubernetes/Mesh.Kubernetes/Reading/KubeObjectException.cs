namespace Mesh.Kubernetes.Reading;

/// <summary>An object that does not fit its kind's schema: the field path and the problem.</summary>
public sealed class KubeObjectException : Exception
{
    public KubeObjectException(string field, string reason) : base($"{field}: {reason}") => Field = field;

    public KubeObjectException()
    {
        Field = string.Empty;
    }

    public KubeObjectException(string message) : base(message)
    {
        Field = string.Empty;
    }

    public KubeObjectException(string message, Exception innerException) : base(message, innerException)
    {
        Field = string.Empty;
    }

    public string Field { get; }
}
