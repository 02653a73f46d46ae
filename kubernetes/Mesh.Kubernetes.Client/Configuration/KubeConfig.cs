namespace Mesh.Kubernetes.Client.Configuration;

/// <summary>
/// How to reach one Kubernetes API server: address, trust, and credentials. PEM texts are validated by
/// <see cref="KubeConfigLoader"/>; file paths there are already resolved into PEM here, except the token file,
/// which is re-read when it changes (projected service-account tokens rotate).
/// </summary>
public sealed record KubeConfig
{
    public required Uri Server { get; init; }

    /// <summary>PEM of the CA certificates that sign the server's certificate; null trusts the system store.</summary>
    public string? CertificateAuthorityPem { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>PEM of the client certificate (with <see cref="ClientKeyPem"/>) for mutual TLS.</summary>
    public string? ClientCertificatePem { get; init; }

    public string? ClientKeyPem { get; init; }

    /// <summary>A static bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token; wins over <see cref="Token"/> and is re-read when it changes.</summary>
    public string? TokenFile { get; init; }

    /// <summary>The context's (or the pod's) namespace.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Where this came from (kubeconfig path, or "in-cluster"), for messages.</summary>
    public string Source { get; init; } = string.Empty;
}
