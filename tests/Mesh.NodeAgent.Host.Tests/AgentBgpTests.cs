using System.Net;
using Mesh.Bgp.Agent;
using Mesh.Bgp.Agent.Api;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Bgp;
using Mesh.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// <c>mesh agent --enable-bgp-control-plane</c>: the node agent runs the BGP speaker for its node from the same
/// manifests, peering on loopback with a plain Mesh speaker playing the router (127.0.0.2, passive).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class AgentBgpTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _manifests = Directory.CreateTempSubdirectory("mesh-agent-bgp-").FullName;

    public void Dispose() => Directory.Delete(_manifests, recursive: true);

    [Fact]
    public async Task Agent_WithBgpEnabled_AdvertisesItsPodCidrAndAnnouncedServiceAndServesTheControlApi()
    {
        await using var router = new BgpSpeaker(new SpeakerOptions { ListenEndPoints = [new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)] });
        await router.StartAsync(CancellationToken.None);
        await router.AddPeerAsync(new PeerConfig(IPAddress.Loopback, 65001, 65000, IPAddress.Parse("10.0.0.1")) { Passive = true, HoldTime = 9 }, CancellationToken.None);
        File.WriteAllText(Path.Combine(_manifests, "bgp.yaml"), Manifests(router.ListenEndPoints[0].Port));
        var api = new IPEndPoint(IPAddress.Loopback, FreeTcpPort.Allocate());
        var options = new AgentHostOptions
        {
            Agent = new NodeAgentOptions { NodeName = "node-a", ClusterName = "cluster1", ClusterId = 1 },
            ManifestsDirectory = _manifests,
            BpfOff = true,
            HealthPort = FreeTcpPort.Allocate(),
            Bgp = new BgpAgentOptions { ApiEndPoint = api, IdleHoldTime = TimeSpan.FromMilliseconds(200) },
        };
        options.Validate().Should().BeEmpty();
        using var stop = new CancellationTokenSource();
        var bgpApi = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = AgentHost.RunAsync(options, NullLoggerFactory.Instance, _ => { }, stop.Token, bgpApi.SetResult);
        try
        {
            (await bgpApi.Task.WaitAsync(Patience)).Should().Be($"http://{api}");
            await Eventually.UntilAsync(
                async () => (await router.ReceivedRoutesAsync(IPAddress.Loopback, CancellationToken.None)).Count == 2,
                Patience,
                "the router receives the node's pod CIDR and the service's LoadBalancer IP");
            var routes = await router.ReceivedRoutesAsync(IPAddress.Loopback, CancellationToken.None);
            routes.Select(r => r.Prefix).Should().BeEquivalentTo([Prefix.Parse("10.244.1.0/24"), Prefix.Parse("172.16.0.10/32")]);
            routes.Single(r => r.Prefix == Prefix.Parse("10.244.1.0/24")).Attributes.Communities.Should().Equal(Community.Create(65001, 99));
            router.Peers.Single().State.Should().Be(SessionState.Established);

            using var http = BgpApiClient.CreateHttpClient(api);
            var peers = await new BgpApiClient(http).PeersAsync(CancellationToken.None);
            peers.Should().ContainSingle().Which.Node.Should().Be("node-a", "the speaker runs for the agent's node");

            // The agent itself is unaffected: it still becomes ready and serves its own status.
            await Eventually.UntilAsync(async () => await Ready(options.HealthPort), Patience, "the agent is ready");
        }
        finally
        {
            await stop.CancelAsync();
            (await run.WaitAsync(Patience)).Should().Be(0);
        }
    }

    [Fact]
    public void Validate_BgpApiOnTheHealthPortAndBadRouterId_BothNamed()
    {
        var options = new AgentHostOptions
        {
            Agent = new NodeAgentOptions { NodeName = "node-a", ClusterName = "cluster1", ClusterId = 1 },
            ManifestsDirectory = _manifests,
            BpfOff = true,
            HealthPort = 9890,
            Bgp = new BgpAgentOptions { RouterId = IPAddress.IPv6Loopback, ApiEndPoint = new IPEndPoint(IPAddress.Loopback, 9890) },
        };

        options.Validate().Should().BeEquivalentTo(
            "--bgp-router-id ::1 must be a non-zero IPv4 address",
            "--bgp-api 127.0.0.1:9890 is the health endpoint's address too");
    }

    private static async Task<bool> Ready(int port)
    {
        using var http = new HttpClient();
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The node, its peering with the router at 127.0.0.2 and an advertisement of its pod CIDR and of one LoadBalancer Service.</summary>
    private static string Manifests(int routerPort) => string.Join("\n---\n",
        BgpManifests.Node,
        BgpManifests.Cluster("127.0.0.2"),
        BgpManifests.PeerConfig(port: routerPort),
        BgpManifests.Advertisement(serviceLabel: "bgp"),
        BgpManifests.Override("127.0.0.1"),
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default, labels: {announce: bgp}}
        spec:
          type: LoadBalancer
          clusterIP: 10.96.0.10
          ports: [{port: 80, protocol: TCP}]
        status:
          loadBalancer: {ingress: [{ip: 172.16.0.10}]}
        """);
}
