using System.Text.Json.Nodes;
using Mesh.Cli.Commands;
using Mesh.Testing;

namespace Mesh.Cli.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class AgentCommandTests
{
    [Fact]
    public async Task Agent_InvalidClusterIdAndNoSource_EveryProblemNamedExitTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["agent", "--node-name", "n1", "--cluster-name", "c1", "--cluster-id", "999", "--bpf", "off"], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
        error.ToString().Should().Contain("--cluster-id 999 is outside 1..255").And.Contain("exactly one of --k8s-manifests and --kubeconfig");
    }

    [Fact]
    public async Task Agent_BgpFlagsInvalid_EachFlagNamed()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["agent", "--node-name", "n1", "--cluster-name", "c1", "--cluster-id", "1", "--bpf", "off", "--k8s-manifests", ".", "--enable-bgp-control-plane", "--bgp-router-id", "bogus", "--bgp-api", "nowhere", "--bgp-secrets-namespace", " "], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
        error.ToString().Should().Contain("--bgp-router-id 'bogus' is not an IP address")
            .And.Contain("--bgp-api 'nowhere' is not host:port")
            .And.Contain("--bgp-secrets-namespace is empty");
    }

    [Fact]
    public async Task Agent_MapSizesOutOfRange_FlagsNamed()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["agent", "--node-name", "n1", "--cluster-name", "c1", "--cluster-id", "1", "--bpf", "off", "--k8s-manifests", ".", "--bpf-lb-map-max", "8", "--bpf-policy-map-max", "2000000", "--policy-default-local-cluster", "false"], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
        error.ToString().Should().Contain("--bpf-lb-map-max: 8 is outside").And.Contain("--bpf-policy-map-max: 2000000 is outside");
    }

    [Fact]
    public async Task MapsDump_NoLocation_UsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["agent", "maps", "dump", "lb4-services"], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
        error.ToString().Should().Contain("--node-name, --bpf-root or --bpf-state-dir");
    }

    [Fact]
    public async Task MapsDump_UnknownMap_UsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["agent", "maps", "dump", "lb9-services", "--node-name", "n1"], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
    }

    [Fact]
    public void Summary_RemoteNotReady_ShowsWhy()
    {
        var status = JsonNode.Parse("""
            {"node":"n1","cluster":"c1","cluster-id":1,"maps-location":"/sys/fs/bpf/mesh/n1","ready":false,
             "clusters":[{"name":"c2","ready":false,"status":"no cluster config at cilium/cluster-config/c2 yet","num-nodes":0,"num-endpoints":0,"num-shared-services":0,"num-failures":3,"last-failure":"2026-11-22T10:00:00Z"}],
             "tables":{"services":2},"reconcilers":[{"name":"lb-services","level":"Degraded","updates":4,"errors":1,"last-error":"cilium_lb4_services_v2 is full"}]}
            """)!.AsObject();

        var text = AgentCommand.Summary(status);

        text.Should().Contain("0/1 remote clusters ready").And.Contain("c2: not-ready, 0 nodes, 0 endpoints, 0 services, 3 failures")
            .And.Contain("└  no cluster config at cilium/cluster-config/c2 yet")
            .And.Contain("Reconciler lb-services: Degraded, 4 updates, 1 failing (last error: cilium_lb4_services_v2 is full)");
    }
}
