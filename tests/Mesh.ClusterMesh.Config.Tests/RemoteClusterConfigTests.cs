using System.Net;
using Mesh.Testing;

namespace Mesh.ClusterMesh.Config.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class RemoteClusterConfigTests
{
    [Fact]
    public void TryParse_EtcdClientYaml_ReadsEndpointsAndResolvesRelativeFilesAgainstTheDirectory()
    {
        const string yaml = """
            endpoints:
            - https://remote1.mesh.cilium.io:2379
            trusted-ca-file: common-etcd-client-ca.crt
            key-file: /var/lib/cilium/clustermesh/common-etcd-client.key
            cert-file: /var/lib/cilium/clustermesh/common-etcd-client.crt
            """;

        RemoteClusterConfig.TryParse("remote1", yaml, "/etc/mesh/remote1", out var config, out var error).Should().BeTrue(error);

        config.Name.Should().Be("remote1");
        config.Client.Endpoints.Should().Equal("https://remote1.mesh.cilium.io:2379");
        config.Client.CaFile.Should().Be("/etc/mesh/common-etcd-client-ca.crt");
        config.Client.KeyFile.Should().Be("/var/lib/cilium/clustermesh/common-etcd-client.key");
        config.Client.CertFile.Should().Be("/var/lib/cilium/clustermesh/common-etcd-client.crt");
        config.HostAliases.Should().BeEmpty();
        config.ConnectOptions().Should().BeSameAs(config.Client);
    }

    [Fact]
    public void TryParse_HostAliasesAsList_EndpointsKeepTheHostNameAndAliasesResolveIt()
    {
        const string yaml = """
            endpoints: [https://remote1.mesh.cilium.io:2379, http://other:2379]
            cilium-host-aliases:
            - hostname: remote1.mesh.cilium.io
              ips: [10.0.0.1, "fd00::1"]
            """;

        RemoteClusterConfig.TryParse("remote1", yaml, "remote1", out var config, out var error).Should().BeTrue(error);

        config.HostAliases.Should().ContainSingle().Which.Should().Match<HostAlias>(a =>
            a.Hostname == "remote1.mesh.cilium.io" && a.Ips.SequenceEqual(new[] { IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1") }));
        // TLS must be verified against remote1.mesh.cilium.io (the certificate's SAN), not the IPs: the endpoint keeps it.
        var connect = config.ConnectOptions();
        connect.Endpoints.Should().Equal("https://remote1.mesh.cilium.io:2379", "http://other:2379");
        connect.HostAliases.Should().ContainSingle().Which.Should().Match<KeyValuePair<string, IReadOnlyList<IPAddress>>>(a =>
            a.Key == "remote1.mesh.cilium.io" && a.Value.SequenceEqual(new[] { IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1") }));
        connect.HostAliases.Should().ContainKey("REMOTE1.mesh.cilium.io", "host names match in any case");
        connect.Validate().Should().BeEmpty();
        config.Client.HostAliases.Should().BeEmpty("the written options stay as they are");
    }

    [Fact]
    public void TryParse_HostAliasesAsMap_SameResultAsList()
    {
        const string yaml = """
            endpoints:
            - https://remote1.mesh.cilium.io:2379
            cilium-host-aliases:
              remote1.mesh.cilium.io:
                ips:
                - 172.18.0.5
            """;

        RemoteClusterConfig.TryParse("remote1", yaml, "remote1", out var config, out var error).Should().BeTrue(error);

        config.HostAliases.Should().ContainSingle().Which.Hostname.Should().Be("remote1.mesh.cilium.io");
        config.ConnectOptions().Endpoints.Should().Equal("https://remote1.mesh.cilium.io:2379");
        config.ConnectOptions().HostAliases["remote1.mesh.cilium.io"].Should().Equal(IPAddress.Parse("172.18.0.5"));
    }

    [Fact]
    public void ConnectOptions_SameHostAliasedTwice_IpsOfBothInOrderWithoutRepeats()
    {
        const string yaml = """
            endpoints: [https://remote1.mesh.cilium.io:2379]
            cilium-host-aliases:
            - hostname: remote1.mesh.cilium.io
              ips: [10.0.0.1, 10.0.0.2]
            - hostname: Remote1.mesh.cilium.io
              ips: [10.0.0.2, 10.0.0.3]
            """;

        RemoteClusterConfig.TryParse("remote1", yaml, "remote1", out var config, out var error).Should().BeTrue(error);

        config.ConnectOptions().HostAliases.Should().ContainSingle().Which.Value.Should().Equal(
            IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3"));
    }

    [Theory]
    [InlineData("endpoints: [https://a:2379]\ncilium-host-aliases:\n- hostname: a\n  ips: [not-an-ip]", "'not-an-ip' of a is not an IP address")]
    [InlineData("endpoints: [https://a:2379]\ncilium-host-aliases:\n  a: {}", "a has no ips")]
    [InlineData("endpoints: [https://a:2379]\ncilium-host-aliases: 5", "must be a list of {hostname, ips} or a map")]
    [InlineData("endpoints: {a: b}", "endpoints must be a list of URLs")]
    [InlineData("endpoints: [ftp://a:1]", "endpoint 'ftp://a:1' is not http(s)://host:port")]
    [InlineData("endpoints: [\"unterminated", "invalid YAML at line")]
    [InlineData("- endpoints:", "not a YAML mapping")]
    [InlineData("endpoints: [https://a:2379]\ncert-file: c.crt", "client certificate and key must be set together")]
    public void TryParse_BadContent_FailsWithReasonNamingTheFile(string yaml, string reason)
    {
        RemoteClusterConfig.TryParse("remote1", yaml, "/cfg/remote1", out _, out var error).Should().BeFalse();

        error.Should().StartWith("/cfg/remote1: ").And.Contain(reason);
    }

    [Fact]
    public void Diff_AddChangeSameRemove_ReportsOnlyRealChanges()
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        ConfigFile File(string name, string hash, string text = "endpoints: [http://a:2379]") => new(name, name, text, hash);

        ClusterMeshConfigDirectory.Diff(known, [File("a", "1"), File("b", "1", "endpoints: oops: [")])
            .Select(c => (c.Kind, c.Name, c.Config is not null, c.Error is not null))
            .Should().Equal((ClusterConfigChangeKind.Added, "a", true, false), (ClusterConfigChangeKind.Added, "b", false, true));
        ClusterMeshConfigDirectory.Diff(known, [File("a", "1"), File("b", "1", "endpoints: oops: [")]).Should().BeEmpty();
        ClusterMeshConfigDirectory.Diff(known, [File("a", "2")])
            .Select(c => (c.Kind, c.Name)).Should().Equal((ClusterConfigChangeKind.Changed, "a"), (ClusterConfigChangeKind.Removed, "b"));
        known.Should().Equal(new Dictionary<string, string> { ["a"] = "2" });
    }
}
