using System.Net;
using System.Text.Json.Nodes;
using Mesh.Bgp.Agent;
using Mesh.NodeAgent.Host;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Tests;

/// <summary><c>mesh status</c> against a running agent with its BGP control plane, and with nothing running.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class StatusCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _manifests = Directory.CreateTempSubdirectory("mesh-status-").FullName;

    public void Dispose() => Directory.Delete(_manifests, recursive: true);

    [Fact]
    public async Task Status_AgentWithBgp_ShowsBothSummaryAndJson()
    {
        File.WriteAllText(Path.Combine(_manifests, "node.yaml"), "apiVersion: cilium.io/v2\nkind: CiliumNode\nmetadata: {name: node-a}\nspec: {addresses: [{type: InternalIP, ip: 10.0.1.2}]}\n");
        var healthPort = FreeTcpPort.Allocate();
        var api = new IPEndPoint(IPAddress.Loopback, FreeTcpPort.Allocate());
        var options = new AgentHostOptions
        {
            Agent = new NodeAgentOptions { NodeName = "node-a", ClusterName = "cluster1", ClusterId = 1 },
            ManifestsDirectory = _manifests,
            BpfOff = true,
            HealthPort = healthPort,
            Bgp = new BgpAgentOptions { ApiEndPoint = api },
        };
        using var stop = new CancellationTokenSource();
        var bgpStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = AgentHost.RunAsync(options, NullLoggerFactory.Instance, _ => { }, stop.Token, _ => bgpStarted.TrySetResult());
        try
        {
            await bgpStarted.Task.WaitAsync(Patience);
            var args = new[] { "status", "--agent", $"http://127.0.0.1:{healthPort}", "--bgp-api", api.ToString() };
            await Eventually.UntilAsync(async () => (await RunAsync(args)).Output.Contains(": ready", StringComparison.Ordinal), Patience, "the agent reports ready");

            var (code, output, _) = await RunAsync(args);
            code.Should().Be(0);
            output.Should().Contain("Node node-a in cluster1 (id 1)").And.Contain("BGP:           node node-a");

            var json = await RunAsync([.. args, "-o", "json"]);
            var document = JsonNode.Parse(json.Output)!.AsObject();
            document["agent"]!["node"]!.GetValue<string>().Should().Be("node-a");
            document["bgp"]!["status"]!["node"]!.GetValue<string>().Should().Be("node-a");
        }
        finally
        {
            await stop.CancelAsync();
            (await run.WaitAsync(Patience)).Should().Be(0);
        }
    }

    [Fact]
    public async Task Status_NothingRunning_SaysSoExitOne()
    {
        var (code, output, _) = await RunAsync("status", "--agent", $"http://127.0.0.1:{FreeTcpPort.Allocate()}", "--bgp-api", $"127.0.0.1:{FreeTcpPort.Allocate()}");

        code.Should().Be(1);
        output.Should().Contain("Agent:         unreachable").And.Contain("BGP:           not running");
    }

    [Fact]
    public async Task Status_BadFlags_Named()
    {
        (await RunAsync("status", "--agent", "nowhere")).Error.Should().Contain("--agent 'nowhere' is not an http(s) URL");
        (await RunAsync("status", "--bgp-api", "nowhere")).Error.Should().Contain("--bgp-api 'nowhere' is not host:port");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
