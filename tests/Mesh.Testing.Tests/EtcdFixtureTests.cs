using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;

namespace Mesh.Testing.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdFixtureTests
{
    [EtcdFact]
    public async Task StartAsync_PlainEtcd_PutAndGetThroughEtcdctl()
    {
        await using var etcd = await EtcdFixture.StartAsync();

        await etcd.Ctl.PutAsync("cilium/.heartbeat", "2026-01-01T00:00:00Z");

        (await etcd.Ctl.GetAsync("cilium/.heartbeat")).Should().Be("2026-01-01T00:00:00Z");
        (await etcd.Ctl.GetAsync("missing")).Should().BeNull();
        etcd.ClientEndpoint.Should().StartWith("http://127.0.0.1:");
    }

    [EtcdFact]
    public async Task KillAsync_ThenRestart_KeepsDataOnSameEndpoint()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await etcd.Ctl.PutAsync("k1", "v1");
        var endpoint = etcd.ClientEndpoint;
        var firstPid = etcd.ProcessId;

        await etcd.KillAsync();
        etcd.ProcessId.Should().BeNull();
        (await etcd.Ctl.RunAsync("--command-timeout=1s", "get", "k1")).Succeeded.Should().BeFalse("etcd is down");

        await etcd.RestartAsync();

        etcd.ClientEndpoint.Should().Be(endpoint);
        etcd.ProcessId.Should().NotBe(firstPid);
        (await etcd.Ctl.GetAsync("k1")).Should().Be("v1");
    }

    [EtcdFact]
    public async Task DisposeAsync_RemovesProcessAndDataDirectory()
    {
        var etcd = await EtcdFixture.StartAsync();
        var pid = etcd.ProcessId!.Value;
        var directory = etcd.WorkDirectory;

        await etcd.DisposeAsync();

        Processes.Signals.IsAlive(pid).Should().BeFalse();
        Directory.Exists(directory).Should().BeFalse();
    }

    [EtcdFact]
    public async Task StartAsync_Tls_RequiresClientCertificate()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        etcd.ClientEndpoint.Should().StartWith("https://127.0.0.1:");

        await etcd.Ctl.PutAsync("secure", "yes");
        var other = new EtcdCtl(etcd.ClientEndpoint, etcd.IssueClientCertificate("reader"));
        (await other.GetAsync("secure")).Should().Be("yes");

        // Same CA for the server, but no client certificate: the TLS handshake is refused.
        var noCert = await new EtcdCtl(etcd.ClientEndpoint).RunAsync($"--cacert={etcd.Authority!.CertificatePath}", "--command-timeout=2s", "get", "secure");
        noCert.Succeeded.Should().BeFalse(noCert.StandardError);
    }
}
