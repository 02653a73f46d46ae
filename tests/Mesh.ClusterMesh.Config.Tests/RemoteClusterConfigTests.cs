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
    public void TryParse_HostAliasesAsList_AppliedAsOneEndpointPerIp()
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
        config.ConnectOptions().Endpoints.Should().Equal("https://10.0.0.1:2379", "https://[fd00::1]:2379", "http://other:2379");
        config.Client.Endpoints.Should().Equal(["https://remote1.mesh.cilium.io:2379", "http://other:2379"], "the written endpoints stay as they are");
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
        config.ConnectOptions().Endpoints.Should().Equal("https://172.18.0.5:2379");
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
