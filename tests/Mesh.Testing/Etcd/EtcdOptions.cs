using System.Net;

namespace Mesh.Testing.Etcd;

/// <summary>How an <see cref="EtcdFixture"/> runs its etcd.</summary>
public sealed record EtcdOptions
{
    /// <summary>Serve clients over TLS and require a client certificate signed by the fixture's CA.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// In TLS mode, the only subject alternative names of the server certificate (DNS names, then IPs); null issues the
    /// default loopback certificate (localhost, 127.0.0.1, ::1).
    /// </summary>
    public (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses)? ServerNames { get; init; }

    /// <summary>Time allowed for etcd to report healthy after a (re)start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra etcd flags, e.g. <c>--auto-compaction-retention</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
