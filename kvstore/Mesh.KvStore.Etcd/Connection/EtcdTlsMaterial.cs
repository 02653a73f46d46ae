using System.Security.Cryptography.X509Certificates;

namespace Mesh.KvStore.Etcd.Connection;

/// <summary>Loads the CA bundle and the client certificate named by the options (PEM files).</summary>
internal static class EtcdTlsMaterial
{
    public static X509Certificate2Collection? LoadRoots(EtcdClientOptions options)
    {
        if (options.CaFile is null)
        {
            return null;
        }
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(options.CaFile);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"no certificate found in CA file '{options.CaFile}'");
        }
        return roots;
    }

    public static X509Certificate2? LoadClientCertificate(EtcdClientOptions options)
    {
        if (options.CertFile is null || options.KeyFile is null)
        {
            return null;
        }
        using var ephemeral = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
        // A PKCS#12 round trip gives a key that SslStream can use for client authentication on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
