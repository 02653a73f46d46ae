using System.Net;
using Mesh.Bgp.Agent.Reconciliation;
using Mesh.Bgp.Config;
using Mesh.Bgp.Config.Plan;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;
using Mesh.Testing.Bgp;

namespace Mesh.Bgp.Agent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BgpReconcilerTests
{
    private static NodeBgpPlan Plan(params string[] yaml)
    {
        var store = new BgpObjectStore();
        foreach (var text in yaml)
        {
            foreach (var document in YamlDocuments.Parse(text))
            {
                store.Upsert(KubeObjectReader.Read(document)!);
            }
        }

        return BgpNodePlanner.Plan(store.ToInput("node-a"));
    }

    private static readonly IPAddress Tor = IPAddress.Parse("10.0.1.1");

    [Fact]
    public async Task ReconcileAsync_FirstPlan_AddsPeerWithRoutes()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);

        result.Added.Should().Equal("main/tor-a");
        speaker.Calls.Should().Equal("add 10.0.1.1", "routes 10.0.1.1 1");
        var config = speaker.Peers[Tor];
        (config.RemoteAsn, config.LocalAsn, config.HoldTime, config.KeepaliveTime, config.ConnectRetryTime)
            .Should().Be((65000u, 65001u, (ushort)9, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)));
        config.RouterId.Should().Be(IPAddress.Parse("10.0.1.2"));
    }

    [Fact]
    public async Task ReconcileAsync_AdvertisementChanged_RoutesUpdatedSessionKept()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement("65001:100")), CancellationToken.None);

        result.RoutesUpdated.Should().Equal("main/tor-a");
        result.Reset.Should().BeEmpty();
        speaker.Calls.Should().Equal("routes 10.0.1.1 1");
    }

    [Fact]
    public async Task ReconcileAsync_UnrelatedChanges_NothingHappens()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();
        const string unrelated = "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: default}\nspec: {clusterIP: 10.96.0.9, ports: [{port: 80}]}\n";

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement(), unrelated), CancellationToken.None);

        result.IsEmpty.Should().BeTrue();
        speaker.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task ReconcileAsync_HoldTimeChanged_SessionReset()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(hold: 30), BgpManifests.Advertisement()), CancellationToken.None);

        result.Reset.Should().Equal("main/tor-a");
        speaker.Calls.Should().Equal("remove 10.0.1.1", "add 10.0.1.1", "routes 10.0.1.1 1");
        speaker.Peers[Tor].HoldTime.Should().Be(30);
    }

    [Fact]
    public async Task ReconcileAsync_InvalidConfig_PeerLeftAsItRuns()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement("65001:bad")), CancellationToken.None);

        result.KeptBecauseInvalid.Should().Equal("main/tor-a");
        result.IsEmpty.Should().BeTrue();
        speaker.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task ReconcileAsync_PeerGone_Removed()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node.Replace("bgp: enabled", "bgp: off", StringComparison.Ordinal), BgpManifests.Cluster(), BgpManifests.PeerConfig()), CancellationToken.None);

        result.Removed.Should().Equal("main/tor-a");
        speaker.Calls.Should().Equal("remove 10.0.1.1");
    }

    [Fact]
    public async Task ReconcileAsync_PeerRenamedSameAddress_OldRemovedNewAdded()
    {
        var speaker = new FakeSpeakerControl();
        var reconciler = new BgpReconciler(speaker, TimeSpan.FromSeconds(1));
        await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);
        speaker.Calls.Clear();

        var result = await reconciler.ReconcileAsync(Plan(BgpManifests.Node, BgpManifests.Cluster(peerName: "tor-z"), BgpManifests.PeerConfig(), BgpManifests.Advertisement()), CancellationToken.None);

        result.Removed.Should().Equal("main/tor-a");
        result.Added.Should().Equal("main/tor-z");
        speaker.Peers.Should().ContainKey(Tor);
    }
}
