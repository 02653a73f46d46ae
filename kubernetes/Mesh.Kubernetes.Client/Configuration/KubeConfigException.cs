namespace Mesh.Kubernetes.Client.Configuration;

/// <summary>A kubeconfig or service-account setup that cannot be used: the file, the field and the problem.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException(string file, string field, string reason)
        : base(field.Length == 0 ? $"{file}: {reason}" : $"{file}: {field}: {reason}")
    {
        File = file;
        Field = field;
    }

    public KubeConfigException()
    {
    }

    public KubeConfigException(string message) : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The kubeconfig path (or service-account file) at fault.</summary>
    public string File { get; } = string.Empty;

    /// <summary>The field path inside it, e.g. <c>users[name=admin].user.client-key-data</c>.</summary>
    public string Field { get; } = string.Empty;
}
