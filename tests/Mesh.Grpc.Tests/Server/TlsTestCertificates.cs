using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Grpc.Tests.Server;

/// <summary>A root CA, an intermediate CA, a loopback server certificate issued by the intermediate, and a client certificate.</summary>
internal sealed class TlsTestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>A DNS name of the server certificate besides loopback.</summary>
    public const string AliasedServerName = "cluster2.mesh.cilium.io";

    public TlsTestCertificates()
    {
        Root = CreateCa("mesh-test-root", issuer: null);
        Intermediate = CreateCa("mesh-test-intermediate", Root);
        Server = CreateLeaf("127.0.0.1", Intermediate, ServerAuth, loopback: true);
        Client = CreateLeaf("mesh-client", Root, ClientAuth, loopback: false);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    public static X509Certificate2 CreateCa(string name, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        if (issuer is null)
        {
            return Reimport(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(3)));
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issued = request.Create(issuer, now.AddMinutes(-5), now.AddDays(2), RandomNumberGenerator.GetBytes(16));
        return Reimport(issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 CreateLeaf(string name, X509Certificate2 issuer, string usage, bool loopback)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (loopback)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            // A name that resolves nowhere: reachable only through static host addresses.
            san.AddDnsName(AliasedServerName);
            request.CertificateExtensions.Add(san.Build());
        }
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return Reimport(issued.CopyWithPrivateKey(key));
    }

    /// <summary>A PKCS#12 round trip gives keys SslStream can use on every platform.</summary>
    private static X509Certificate2 Reimport(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
