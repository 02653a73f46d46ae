using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mesh.Bgp.Agent;
using Mesh.Bgp.Agent.Api;
using Mesh.Kubernetes.Reading;
using Mesh.Kubernetes.Sources;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class BgpCommandTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("bgp", "peers", "--api", "nowhere")]
    [InlineData("bgp", "routes", "add", "10.0.0.0/33", "--api", "127.0.0.1:1")]
    [InlineData("bgp", "routes", "add", "--api", "127.0.0.1:1")]
    [InlineData("bgp", "routes", "add", "10.0.0.0/24", "--community", "65001:x", "--api", "127.0.0.1:1")]
    [InlineData("bgp", "routes", "del", "--from-file", "/nonexistent/prefixes", "--api", "127.0.0.1:1")]
    [InlineData("bgp", "routes", "everything")]
    [InlineData("bgp", "routes", "--peer", "not-an-ip", "--api", "127.0.0.1:1")]
    [InlineData("bgp", "peers", "-o", "yaml")]
    [InlineData("bgp", "run", "--k8s-manifests", "/tmp")]
    [InlineData("bgp", "run", "--node-name", "n", "--k8s-manifests", "/nonexistent/dir", "--router-id", "fd00::1")]
    public async Task RunAsync_BgpUsageError_ExitsTwoWithMessage(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        code.Should().Be(MeshCommandLine.UsageError, error);
        error.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Peers_NoSpeakerRunning_ExitsOneNamingAddress()
    {
        var port = FreeTcpPort.Allocate();

        var (code, _, error) = await RunAsync("bgp", "peers", "--api", $"127.0.0.1:{port}");

        code.Should().Be(1);
        error.Should().Contain($"cannot reach the speaker's control API at 127.0.0.1:{port}");
    }

    [Fact]
    public async Task RoutesAddAndShow_RunningSpeaker_RoutesListedAsTableAndJson()
    {
        var api = $"127.0.0.1:{FreeTcpPort.Allocate()}";
        var source = new OneShotSource("""
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata: {name: node-a}
            spec: {addresses: [{type: InternalIP, ip: 10.0.1.2}]}
            """);
        using var stop = new CancellationTokenSource();
        var run = BgpAgentHost.RunAsync(new BgpAgentOptions { NodeName = "node-a", ApiEndPoint = IPEndPoint.Parse(api) }, source, NullLoggerFactory.Instance, null, stop.Token);
        try
        {
            var file = Path.GetTempFileName();
            await File.WriteAllLinesAsync(file, ["# two more", "16.0.1.0/24", "16.0.2.0/24"]);
            await Eventually.UntilAsync(async () => (await RunAsync("bgp", "routes", "add", "16.0.0.0/24", "--from-file", file, "--community", "65001:100", "--api", api)).Code == 0,
                TimeSpan.FromSeconds(30));
            File.Delete(file);

            var (code, output, _) = await RunAsync("bgp", "routes", "--api", api);
            code.Should().Be(0);
            output.Split('\n')[0].Should().MatchRegex(@"^Prefix\s+NextHop\s+Age\s+Attrs$");
            output.Should().Contain("16.0.2.0/24").And.Contain("{Origin: i} {Communities: 65001:100}");

            (code, output, _) = await RunAsync("bgp", "routes", "available", "-o", "json", "--api", api);
            code.Should().Be(0);
            JsonSerializer.Deserialize<RouteView[]>(output, BgpJson.Options)!.Select(r => r.Prefix).Should().Equal("16.0.0.0/24", "16.0.1.0/24", "16.0.2.0/24");

            (code, output, _) = await RunAsync("bgp", "routes", "del", "16.0.1.0/24", "--api", api);
            (code, output.Trim()).Should().Be((0, "withdrew 1 prefixes"));

            (code, output, _) = await RunAsync("bgp", "peers", "--api", api);
            code.Should().Be(0);
            output.Trim().Should().MatchRegex(@"^Node\s+Local AS\s+Peer AS\s+Peer Address\s+Session State\s+Uptime\s+Family\s+Received\s+Advertised$");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private sealed class OneShotSource(string yaml) : IObjectSource
    {
        public async IAsyncEnumerable<ObjectEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var document in YamlDocuments.Parse(yaml))
            {
                yield return new ObjectEvent(ObjectEventType.Upsert, KubeObjectReader.Read(document));
            }

            yield return ObjectEvent.Synced;
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
