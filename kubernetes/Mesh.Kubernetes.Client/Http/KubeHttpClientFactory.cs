using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Kubernetes.Client.Configuration;

namespace Mesh.Kubernetes.Client.Http;

/// <summary>Builds the HttpClient for one API server: its CA (only), client certificate, bearer token.</summary>
internal static class KubeHttpClientFactory
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The client and the certificates it holds (disposed with it by the caller).</summary>
    public static (HttpClient Client, IReadOnlyList<IDisposable> Owned) Create(KubeConfig config, TimeProvider time)
    {
        var owned = new List<IDisposable>();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        if (config.ClientCertificatePem is { } certificatePem && config.ClientKeyPem is { } keyPem)
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // Re-import so SslStream can use the key on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            owned.Add(certificate);
            handler.SslOptions.ClientCertificates = [certificate];
        }
        if (config.InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // The kubeconfig asked for it (insecure-skip-tls-verify: true).
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.CertificateAuthorityPem is { } caPem)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caPem);
            foreach (var root in roots)
            {
                owned.Add(root);
            }
            handler.SslOptions.RemoteCertificateValidationCallback = (_, serverCertificate, presented, errors) =>
                ValidateAgainst(roots, serverCertificate, presented, errors);
        }
        var token = new BearerToken(config.Token, config.TokenFile, time);
        HttpMessageHandler top = token.IsConfigured ? new BearerTokenHandler(token, handler) : handler;
        var client = new HttpClient(top, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("mesh/0.1");
        return (client, owned);
    }

    /// <summary>The server's chain must end in one of <paramref name="roots"/>, allow server auth and name the host.</summary>
    private static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? serverCertificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (serverCertificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthenticationOid));
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        using var certificate = new X509Certificate2(serverCertificate);
        return chain.Build(certificate);
    }
}
