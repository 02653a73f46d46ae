namespace Mesh.Testing.Etcd;

/// <summary>Class-fixture form of a TLS etcd with client-certificate auth.</summary>
public sealed class TlsEtcdFixture : EtcdFixture
{
    public TlsEtcdFixture() : base(new EtcdOptions { Tls = true })
    {
    }
}
