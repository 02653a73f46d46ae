using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Testing.Certificates;

/// <summary>
/// An in-process CA for TLS tests: ECDSA P-256 certificates for etcd servers and clients (the client's
/// common name is the etcd user under client-cert auth), written as PEM files.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);
    private readonly X509Certificate2 _certificate;
    private readonly ECDsa _key;

    public TestCertificateAuthority(string directory, string name = "mesh-test-ca")
    {
        Directory.CreateDirectory(directory);
        DirectoryPath = directory;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-10), now + Lifetime + Lifetime);
        CertificatePath = Path.Combine(directory, "ca.crt");
        File.WriteAllText(CertificatePath, _certificate.ExportCertificatePem());
    }

    public string DirectoryPath { get; }

    /// <summary>PEM of the CA certificate (trusted-ca-file).</summary>
    public string CertificatePath { get; }

    public X509Certificate2 Certificate => _certificate;

    /// <summary>A server certificate for loopback (127.0.0.1, ::1, localhost). It also allows client auth,
    /// because etcd's gateway dials its own gRPC port with it.</summary>
    public CertificateFiles IssueServer(string name) =>
        Issue(name, serverAuth: true, clientAuth: true, ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);

    /// <summary>A server certificate naming exactly <paramref name="dnsNames"/> and <paramref name="addresses"/> (e.g. a DNS name only).</summary>
    public CertificateFiles IssueServer(string name, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses) =>
        Issue(name, serverAuth: true, clientAuth: true, dnsNames, addresses);

    /// <summary>A client certificate whose CN is <paramref name="commonName"/>.</summary>
    public CertificateFiles IssueClient(string commonName) => Issue(commonName, serverAuth: false, clientAuth: true, [], []);

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }

    private CertificateFiles Issue(string commonName, bool serverAuth, bool clientAuth, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection();
        if (serverAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }
        if (clientAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (dnsNames.Count + addresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames)
            {
                san.AddDnsName(dns);
            }
            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(_certificate, now.AddMinutes(-5), now + Lifetime, serial);
        var safeName = string.Concat(commonName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        var files = new CertificateFiles(
            commonName,
            Path.Combine(DirectoryPath, $"{safeName}.crt"),
            Path.Combine(DirectoryPath, $"{safeName}.key"),
            CertificatePath);
        File.WriteAllText(files.CertificatePath, issued.ExportCertificatePem());
        File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
