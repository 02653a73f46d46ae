using System.Net;
using Mesh.ClusterMesh.Config;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;

namespace Mesh.Cli.Tests;

/// <summary>
/// <c>mesh clustermesh connect|disconnect</c> against a real config directory (and <c>enable</c> against a real etcd): what connect writes is what the
/// apiservers and agents read back; bad flags are named and write nothing.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ClusterMeshConnectTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mesh-connect-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Connect_WithTlsAndHostAlias_ReadersSeeTheSameConfig()
    {
        var configDir = Directory.CreateDirectory(Path.Combine(_root, "clustermesh")).FullName;
        var ca = Touch("ca.crt");
        var cert = Touch("remote-cluster1.crt");
        var key = Touch("remote-cluster1.key");

        var (code, output, error) = await RunAsync(
            "clustermesh", "connect", "--config-dir", configDir, "--remote", "cluster2",
            "--endpoints", "https://cluster2.mesh.cilium.io:2379", "--tls-ca", ca, "--tls-cert", cert, "--tls-key", key,
            "--host-alias", "cluster2.mesh.cilium.io=10.0.2.10,10.0.2.11");

        code.Should().Be(0, error);
        output.Should().Contain("connected to cluster2 at https://cluster2.mesh.cilium.io:2379");
        var errors = new List<string>();
        var config = RemoteClusterConfig.LoadDirectory(configDir, "cluster1", errors).Should().ContainSingle().Subject;
        errors.Should().BeEmpty();
        config.Name.Should().Be("cluster2");
        config.Client.Endpoints.Should().Equal("https://cluster2.mesh.cilium.io:2379");
        (config.Client.CaFile, config.Client.CertFile, config.Client.KeyFile).Should().Be((ca, cert, key));
        config.HostAliases.Should().ContainSingle().Which.Ips.Should().Equal(IPAddress.Parse("10.0.2.10"), IPAddress.Parse("10.0.2.11"));
        Directory.EnumerateFiles(configDir).Select(Path.GetFileName).Should().Equal("cluster2");
    }

    [Fact]
    public async Task Connect_Again_ReplacesTheConfig_DisconnectRemovesIt()
    {
        var configDir = Directory.CreateDirectory(Path.Combine(_root, "clustermesh")).FullName;
        (await RunAsync("clustermesh", "connect", "--config-dir", configDir, "--remote", "cluster2", "--endpoints", "http://127.0.0.1:2379")).Code.Should().Be(0);
        (await RunAsync("clustermesh", "connect", "--config-dir", configDir, "--remote", "cluster2", "--endpoints", "http://127.0.0.1:2479,http://127.0.0.1:2579")).Code.Should().Be(0);
        RemoteClusterConfig.LoadDirectory(configDir, "cluster1", new List<string>()).Single().Client.Endpoints.Should().Equal("http://127.0.0.1:2479", "http://127.0.0.1:2579");

        var (code, output, _) = await RunAsync("clustermesh", "disconnect", "--config-dir", configDir, "--remote", "cluster2");
        code.Should().Be(0);
        output.Should().Contain("disconnected from cluster2");
        Directory.EnumerateFileSystemEntries(configDir).Should().BeEmpty();

        var again = await RunAsync("clustermesh", "disconnect", "--config-dir", configDir, "--remote", "cluster2");
        again.Code.Should().Be(1);
        again.Error.Should().Contain("has no config for cluster 'cluster2'");
    }

    [Fact]
    public async Task Connect_BadFlags_EachNamedNothingWritten()
    {
        var configDir = Directory.CreateDirectory(Path.Combine(_root, "clustermesh")).FullName;

        var names = await RunAsync("clustermesh", "connect", "--config-dir", configDir, "--remote", "Cluster_2", "--endpoints", "http://127.0.0.1:2379", "--host-alias", "nohost");
        names.Code.Should().Be(MeshCommandLine.UsageError);
        names.Error.Should().Contain("--remote: cluster name 'Cluster_2' must be 1-32 characters").And.Contain("--host-alias 'nohost' is not HOST=IP[,IP...]");

        var missingKey = await RunAsync("clustermesh", "connect", "--config-dir", configDir, "--remote", "cluster2", "--endpoints", "https://127.0.0.1:2379", "--tls-ca", Path.Combine(_root, "absent.crt"));
        missingKey.Code.Should().Be(MeshCommandLine.UsageError);
        missingKey.Error.Should().Contain("absent.crt' does not exist");

        var noDirectory = await RunAsync("clustermesh", "connect", "--config-dir", Path.Combine(_root, "nowhere"), "--remote", "cluster2", "--endpoints", "http://127.0.0.1:2379");
        noDirectory.Error.Should().Contain("does not exist");

        Directory.EnumerateFileSystemEntries(configDir).Should().BeEmpty();
    }

    [EtcdFact]
    public async Task Enable_TlsEtcd_CiliumUsersCreatedAndAuthEnabled()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        var root = etcd.RootClientCertificate!;

        var (code, output, error) = await RunAsync(
            "clustermesh", "enable", "--cluster-name", "cluster1", "--kvstore-endpoints", etcd.ClientEndpoint,
            "--kvstore-tls-ca", root.CaPath, "--kvstore-tls-cert", root.CertificatePath, "--kvstore-tls-key", root.KeyPath, "--remote-cluster", "cluster2");

        code.Should().Be(0, error);
        output.Should().Contain("users root, admin-cluster1, local-cluster1, remote, remote-cluster2; authentication enabled");
        var users = await etcd.Ctl.RunAsync("user", "list");
        users.EnsureSuccess().StandardOutput.Should().Contain("remote-cluster2").And.Contain("admin-cluster1");
        (await etcd.Ctl.RunAsync("auth", "status")).StandardOutput.Should().Contain("true");
    }

    private string Touch(string name)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, "placeholder");
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
