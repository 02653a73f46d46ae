using System.Text;
using Mesh.Testing.Certificates;
using Mesh.Testing.Etcd;

namespace Mesh.KvStore.Etcd.Tests.Integration;

/// <summary>Client options for a test etcd, and small helpers shared by the integration tests.</summary>
internal static class EtcdTestClients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static EtcdClientOptions Options(EtcdFixture etcd, CertificateFiles? certificate = null) => new()
    {
        Endpoints = [etcd.ClientEndpoint],
        CaFile = etcd.IsTls ? (certificate ?? etcd.RootClientCertificate)!.CaPath : null,
        CertFile = etcd.IsTls ? (certificate ?? etcd.RootClientCertificate)!.CertificatePath : null,
        KeyFile = etcd.IsTls ? (certificate ?? etcd.RootClientCertificate)!.KeyPath : null,
        Qps = 0,
        BootstrapQps = 0,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromSeconds(1),
        MaxRetryAttempts = 30,
    };

    public static IEtcdClient Create(EtcdFixture etcd) => EtcdClientFactory.Create(Options(etcd));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string test) => $"test/{test}/{Guid.NewGuid():N}/";
}
