using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Client.Tests.FakeApi;
using Mesh.Kubernetes.Client.Watching;
using Mesh.Testing;
using static Mesh.Kubernetes.Client.Tests.FakeApi.TestObjects;

namespace Mesh.Kubernetes.Client.Tests.Watching;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KubernetesObjectSourceTests : IAsyncLifetime
{
    private static readonly KubeResource Ns = KubeResource.Namespaces;
    private FakeApiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WatchAsync_ObjectsAddedChangedDeleted_DeliversListSyncedThenChangesInOrder()
    {
        _server.Apply(Ns, Namespace("alpha"));
        _server.Apply(Ns, Namespace("beta"));
        await using var events = Watch(Ns);

        (await events.TakeAsync(3)).Should().Equal("Upsert Namespace alpha", "Upsert Namespace beta", "Synced");

        _server.Apply(Ns, Namespace("gamma"));
        _server.Apply(Ns, Namespace("alpha", label: "2"));
        _server.Delete(Ns, "beta");
        (await events.TakeAsync(3)).Should().Equal("Upsert Namespace gamma", "Upsert Namespace alpha", "Delete Namespace beta");
        _server.ListRequests(Ns).Should().Be(1);
        _server.WatchRequests(Ns).Should().ContainSingle().Which.Should().Contain("allowWatchBookmarks=true").And.Contain("resourceVersion=102");
    }

    [Fact]
    public async Task WatchAsync_SeveralResources_SyncedOnlyAfterAllListedThenLiveChangesInterleaved()
    {
        _server.Apply(Ns, Namespace("alpha"));
        _server.Apply(KubeResource.CiliumIdentities, Identity("1001", "web"));
        _server.Apply(KubeResource.CiliumIdentities, Identity("1002", "db"));
        _server.Apply(KubeResource.Services, Service("alpha", "web", 80));
        await using var events = Watch(Ns, KubeResource.CiliumIdentities, KubeResource.Services);

        var initial = await events.TakeUntilSyncedAsync();
        initial.Should().BeEquivalentTo("Upsert Namespace alpha", "Upsert CiliumIdentity 1001", "Upsert CiliumIdentity 1002", "Upsert Service alpha/web", "Synced");
        initial[^1].Should().Be("Synced");

        _server.Apply(KubeResource.Services, Service("alpha", "web", 8080));
        (await events.TakeAsync(1)).Should().Equal("Upsert Service alpha/web");
        _server.Delete(KubeResource.CiliumIdentities, "1001");
        (await events.TakeAsync(1)).Should().Equal("Delete CiliumIdentity 1001");
    }

    [Fact]
    public async Task WatchAsync_ListLargerThanPage_FollowsContinueAndDeliversAll()
    {
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            _server.Apply(Ns, Namespace(name));
        }
        await using var events = Watch([Ns], pageSize: 2);

        (await events.TakeAsync(6)).Should().Equal("Upsert Namespace a", "Upsert Namespace b", "Upsert Namespace c", "Upsert Namespace d", "Upsert Namespace e", "Synced");
        _server.Requests.Where(r => r.Contains("continue=", StringComparison.Ordinal)).Should().HaveCount(2);
        await EventStream.WaitUntilAsync(() => _server.WatchRequests(Ns).Count > 0, "the client watches");
        _server.WatchRequests(Ns).Should().ContainSingle().Which.Should().Contain("resourceVersion=105");
    }

    [Fact]
    public async Task WatchAsync_BookmarkThenHistoryCompacted_ResumesFromBookmarkWithoutRelistOrEvents()
    {
        _server.Apply(Ns, Namespace("alpha"));
        await using var events = Watch(Ns);
        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        await EventStream.WaitUntilAsync(() => _server.OpenWatches(Ns) == 1, "the client watches");

        // Other resources move the global resourceVersion; only the bookmark tells the watcher about it.
        _server.Apply(KubeResource.CiliumIdentities, Identity("1001", "web"));
        var bookmarked = _server.Apply(KubeResource.CiliumIdentities, Identity("1002", "db"));
        _server.Compact();
        _server.BookmarkAndEndWatches(Ns);

        await EventStream.WaitUntilAsync(() => _server.WatchRequests(Ns).Count == 2, "the client watches again");
        _server.WatchRequests(Ns)[1].Should().Contain($"resourceVersion={bookmarked}");
        _server.Apply(Ns, Namespace("beta"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
        _server.ListRequests(Ns).Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WatchAsync_ResourceVersionExpiredWhileDisconnected_RelistsAndEmitsOnlyTheDifference(bool goneAsHttpStatus)
    {
        _server.GoneAsHttpStatus = goneAsHttpStatus;
        _server.Apply(Ns, Namespace("alpha"));
        _server.Apply(Ns, Namespace("beta"));
        _server.Apply(Ns, Namespace("gamma"));
        await using var events = Watch(Ns);
        (await events.TakeAsync(4)).Should().Equal("Upsert Namespace alpha", "Upsert Namespace beta", "Upsert Namespace gamma", "Synced");
        await EventStream.WaitUntilAsync(() => _server.OpenWatches(Ns) == 1, "the client watches");

        _server.SuspendWatches();
        _server.Delete(Ns, "beta");
        _server.Apply(Ns, Namespace("gamma", label: "2"));
        _server.Apply(Ns, Namespace("delta"));
        _server.Compact();
        _server.ResumeWatches();

        (await events.TakeAsync(3)).Should().BeEquivalentTo("Upsert Namespace gamma", "Upsert Namespace delta", "Delete Namespace beta");
        _server.ListRequests(Ns).Should().Be(2);
        _server.Apply(Ns, Namespace("epsilon"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace epsilon");
    }

    [Fact]
    public async Task WatchAsync_ConnectionDropped_ResumesFromLastResourceVersionWithoutLoss()
    {
        _server.Apply(Ns, Namespace("alpha"));
        _server.Apply(Ns, Namespace("beta"));
        await using var events = Watch(Ns);
        (await events.TakeAsync(3)).Should().Equal("Upsert Namespace alpha", "Upsert Namespace beta", "Synced");
        _server.Apply(Ns, Namespace("gamma"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace gamma");

        _server.SuspendWatches();
        var lastSeen = _server.ResourceVersion;
        _server.Delete(Ns, "beta");
        _server.Apply(Ns, Namespace("alpha", label: "2"));
        _server.Apply(Ns, Namespace("delta"));
        _server.ResumeWatches();

        (await events.TakeAsync(3)).Should().Equal("Delete Namespace beta", "Upsert Namespace alpha", "Upsert Namespace delta");
        _server.ListRequests(Ns).Should().Be(1);
        _server.WatchRequests(Ns).Skip(1).Should().NotBeEmpty().And.OnlyContain(r => r.Contains($"resourceVersion={lastSeen}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchAsync_ServerErrors_RetriesWithBackoffUntilListed()
    {
        _server.Apply(Ns, Namespace("alpha"));
        _server.FailNextRequests(3);
        await using var events = Watch(Ns);

        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        _server.ListRequests(Ns).Should().Be(4);
    }

    [Fact]
    public async Task WatchAsync_ServerEndsWatchAtTimeout_WatchesAgainFromLastResourceVersion()
    {
        _server.Apply(Ns, Namespace("alpha"));
        await using var events = Watch([Ns], watchTimeout: TimeSpan.FromSeconds(1));
        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");

        await EventStream.WaitUntilAsync(() => _server.WatchRequests(Ns).Count >= 2, "the client watches again");
        _server.WatchRequests(Ns).Should().OnlyContain(r => r.Contains("timeoutSeconds=1", StringComparison.Ordinal) && r.Contains("resourceVersion=101", StringComparison.Ordinal));
        _server.Apply(Ns, Namespace("beta"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
        _server.ListRequests(Ns).Should().Be(1);
    }

    [Fact]
    public async Task WatchAsync_MalformedObject_LoggedAndSkippedOthersDelivered()
    {
        var identities = KubeResource.CiliumIdentities;
        _server.Apply(identities, Identity("1001", "web"));
        _server.Apply(identities, Identity("not-a-number", "bad"));
        _server.Apply(identities, Identity("1002", "db"));
        var logger = new ListLogger<KubernetesObjectSource>();
        await using var events = Watch([identities], logger: logger);

        (await events.TakeAsync(3)).Should().Equal("Upsert CiliumIdentity 1001", "Upsert CiliumIdentity 1002", "Synced");
        logger.Lines.Should().Contain(l => l.Contains("CiliumIdentity not-a-number", StringComparison.Ordinal) && l.Contains("metadata.name", StringComparison.Ordinal));

        _server.Apply(identities, Identity("also-bad", "bad"));
        _server.Apply(identities, Identity("1003", "cache"));
        (await events.TakeAsync(1)).Should().Equal("Upsert CiliumIdentity 1003");
        logger.Lines.Should().Contain(l => l.Contains("CiliumIdentity also-bad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchAsync_ContinueTokenExpiredMidList_ListsAgainFromStartWithoutDuplicates()
    {
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            _server.Apply(Ns, Namespace(name));
        }
        _server.ExpireNextContinue();
        await using var events = Watch([Ns], pageSize: 2);

        (await events.TakeAsync(6)).Should().Equal("Upsert Namespace a", "Upsert Namespace b", "Upsert Namespace c", "Upsert Namespace d", "Upsert Namespace e", "Synced");
        _server.Requests.Count(r => r.Contains("limit=2", StringComparison.Ordinal) && !r.Contains("continue=", StringComparison.Ordinal) && !r.Contains("watch=", StringComparison.Ordinal)).Should().Be(2);
        _server.Apply(Ns, Namespace("f"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace f");
    }

    [Fact]
    public async Task WatchAsync_MalformedWatchLine_WatchesAgainFromLastResourceVersion()
    {
        _server.Apply(Ns, Namespace("alpha"));
        await using var events = Watch(Ns);
        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        await EventStream.WaitUntilAsync(() => _server.OpenWatches(Ns) == 1, "the client watches");

        _server.SendRawLine(Ns, "{\"type\":\"ADDED\",\"object\":{\"metadata\":");
        await EventStream.WaitUntilAsync(() => _server.WatchRequests(Ns).Count == 2, "the client watches again");
        _server.Apply(Ns, Namespace("beta"));

        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
        _server.WatchRequests(Ns)[1].Should().Contain("resourceVersion=101");
        _server.ListRequests(Ns).Should().Be(1);
    }

    [Fact]
    public async Task WatchAsync_WatchErrorEventNotGone_WatchesAgainWithoutRelist()
    {
        _server.Apply(Ns, Namespace("alpha"));
        await using var events = Watch(Ns);
        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        await EventStream.WaitUntilAsync(() => _server.OpenWatches(Ns) == 1, "the client watches");

        _server.SendErrorAndEndWatches(Ns, 500);
        await EventStream.WaitUntilAsync(() => _server.WatchRequests(Ns).Count == 2, "the client watches again");
        _server.Delete(Ns, "alpha");

        (await events.TakeAsync(1)).Should().Equal("Delete Namespace alpha");
        _server.ListRequests(Ns).Should().Be(1);
    }

    [Fact]
    public async Task WatchAsync_ObjectChangedToMalformedThenDeleted_KeepsAndFinallyDeletesLastGoodVersion()
    {
        var identities = KubeResource.CiliumIdentities;
        var good = Identity("1001", "web");
        _server.Apply(identities, good);
        await using var events = Watch(identities);
        (await events.TakeAsync(2)).Should().Equal("Upsert CiliumIdentity 1001", "Synced");

        var bad = Identity("1001", "web");
        bad["metadata"]!["creationTimestamp"] = "yesterday";
        _server.Apply(identities, bad);
        _server.Delete(identities, "1001");

        var deleted = await events.TakeAsync(1);
        deleted.Should().Equal("Delete CiliumIdentity 1001");
    }

    [Fact]
    public async Task WatchAsync_ResourceNotServed_SyncsWithoutItAndPicksItUpWhenItAppears()
    {
        var exports = KubeResource.ServiceExports;
        _server.Apply(Ns, Namespace("alpha"));
        _server.SetServed(exports, served: false);
        var logger = new ListLogger<KubernetesObjectSource>();
        await using var events = Watch([Ns, exports], logger: logger, maxBackoff: TimeSpan.FromMilliseconds(200));

        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        logger.Lines.Should().Contain(l => l.Contains(" 2107 ", StringComparison.Ordinal) && l.Contains("serviceexports", StringComparison.Ordinal));

        _server.Apply(exports, Export("alpha", "web"));
        _server.SetServed(exports, served: true);
        (await events.TakeAsync(1)).Should().Equal("Upsert ServiceExport alpha/web");
    }

    [Fact]
    public async Task WatchAsync_EveryResourceKind_ReadsListedItemsWithoutTypeMeta()
    {
        _server.Apply(Ns, Namespace("alpha"));
        _server.Apply(KubeResource.CiliumIdentities, Identity("1001", "web"));
        _server.Apply(KubeResource.CiliumEndpoints, Endpoint("alpha", "web-0", 1001, "10.1.0.5"));
        _server.Apply(KubeResource.CiliumNodes, Node("node-1", "192.168.1.1"));
        _server.Apply(KubeResource.Services, Service("alpha", "web", 80));
        _server.Apply(KubeResource.EndpointSlices, Slice("alpha", "web-abc", "10.1.0.5"));
        _server.Apply(KubeResource.ServiceExports, Export("alpha", "web"));
        await using var events = Watch(KubeResource.All.ToArray());

        (await events.TakeUntilSyncedAsync()).Should().BeEquivalentTo(
            "Upsert Namespace alpha",
            "Upsert CiliumIdentity 1001",
            "Upsert CiliumEndpoint alpha/web-0",
            "Upsert CiliumNode node-1",
            "Upsert Service alpha/web",
            "Upsert EndpointSlice alpha/web-abc",
            "Upsert ServiceExport alpha/web",
            "Synced");
        _server.Apply(KubeResource.CiliumEndpoints, Endpoint("alpha", "web-1", 1001, "10.1.0.6"));
        (await events.TakeAsync(1)).Should().Equal("Upsert CiliumEndpoint alpha/web-1");
    }

    [Fact]
    public async Task WatchAsync_NodeAgentResources_ReadsThePolicyKindsWithTheirRules()
    {
        _server.Apply(KubeResource.CiliumNetworkPolicies, CiliumPolicy("alpha", "allow-web"));
        _server.Apply(KubeResource.CiliumClusterwideNetworkPolicies, CiliumPolicy(null, "allow-dns"));
        _server.Apply(KubeResource.NetworkPolicies, NetworkPolicy("alpha", "deny-all"));
        await using var events = Watch(KubeResource.NodeAgent.ToArray());

        (await events.TakeUntilSyncedAsync()).Should().BeEquivalentTo(
            "Upsert CiliumNetworkPolicy alpha/allow-web",
            "Upsert CiliumClusterwideNetworkPolicy allow-dns",
            "Upsert NetworkPolicy alpha/deny-all",
            "Synced");
        events.Received.OfType<Mesh.Kubernetes.Objects.CiliumNetworkPolicy>().Should().ContainSingle()
            .Which.Spec!.EndpointSelector!.MatchLabels.Should().Contain("app", "web");
        events.Received.OfType<Mesh.Kubernetes.Objects.NetworkPolicy>().Should().ContainSingle()
            .Which.Spec.PolicyTypes.Should().Equal("Ingress");

        _server.Delete(KubeResource.CiliumNetworkPolicies, "alpha/allow-web");
        (await events.TakeAsync(1)).Should().Equal("Delete CiliumNetworkPolicy alpha/allow-web");
    }

    [Fact]
    public async Task WatchAsync_BgpResources_ReadsTheBgpKindsAndOnlyTheSecretsNamespace()
    {
        var resources = KubeResource.Bgp("kube-system");
        var secrets = resources.Single(r => r.Kind == "Secret");
        _server.Apply(KubeResource.BgpPeerConfigs, BgpPeerConfig("tor"));
        _server.Apply(secrets, Secret("kube-system", "bgp-auth"));
        _server.Apply(KubeResource.CiliumNodes, Node("node-a", "10.0.1.2"));
        await using var events = Watch(resources.ToArray());

        (await events.TakeUntilSyncedAsync()).Should().BeEquivalentTo(
            "Upsert CiliumBGPPeerConfig tor", "Upsert Secret kube-system/bgp-auth", "Upsert CiliumNode node-a", "Synced");
        _server.ListRequests(secrets).Should().Be(1);
        _server.Requests.Should().NotContain(r => r.StartsWith("/api/v1/secrets", StringComparison.Ordinal), "Secrets are read in one namespace only");
    }

    [Fact]
    public async Task WatchAsync_ServerUrlWithPathPrefix_KeepsThePrefix()
    {
        await using var proxied = await FakeApiServer.StartAsync(pathBase: "/k8s/clusters/c-1");
        proxied.Apply(Ns, Namespace("alpha"));
        var config = new KubeConfig { Server = proxied.Address, Source = "test" };
        var options = new KubernetesClientOptions { Resources = [Ns], InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(100) };
        await using var events = new EventStream(new KubernetesObjectSource(config, TimeProvider.System, new ListLogger<KubernetesObjectSource>(), options));

        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        proxied.Apply(Ns, Namespace("beta"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
    }

    private EventStream Watch(params KubeResource[] resources) => Watch(resources, pageSize: 500);

    private EventStream Watch(KubeResource[] resources, int pageSize = 500, TimeSpan? watchTimeout = null, ListLogger<KubernetesObjectSource>? logger = null, TimeSpan? maxBackoff = null)
    {
        var options = new KubernetesClientOptions
        {
            Resources = resources,
            PageSize = pageSize,
            WatchTimeout = watchTimeout ?? TimeSpan.FromMinutes(5),
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = maxBackoff ?? TimeSpan.FromMilliseconds(100),
        };
        var config = new KubeConfig { Server = _server.Address, Source = "test" };
        return new EventStream(new KubernetesObjectSource(config, TimeProvider.System, logger ?? new ListLogger<KubernetesObjectSource>(), options));
    }
}
