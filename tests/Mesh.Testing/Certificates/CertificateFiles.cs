using System.Security.Cryptography.X509Certificates;

namespace Mesh.Testing.Certificates;

/// <summary>PEM paths of one issued certificate, its key, and the CA that signed it.</summary>
public sealed record CertificateFiles(string CommonName, string CertificatePath, string KeyPath, string CaPath)
{
    /// <summary>Loads certificate and key together, for an HttpClient or SslStream client certificate.</summary>
    public X509Certificate2 Load()
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        // Re-import so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
