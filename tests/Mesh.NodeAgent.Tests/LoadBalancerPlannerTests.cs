using System.Net;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LoadBalancerPlannerTests
{
    private static readonly ServiceName Web = new("default", "web");
    private static readonly ServiceName Api = new("default", "api");

    [Fact]
    public void Flush_OneService_EntryWildcardRevNatAndBackends()
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1", "10.0.0.2"));

        var changes = planner.Flush();

        changes.ServiceUpserts.Select(e => e.Key.ToString()).Should().Equal("10.96.0.10:0/ANY", "10.96.0.10:80/TCP");
        var entry = changes.ServiceUpserts.Single(e => !e.Key.IsWildcard);
        entry.BackendIds.Should().Equal(1u, 2u);
        entry.RevNatIndex.Should().Be(1);
        entry.Flags.Should().Be(ServiceFlagBits.None, "a ClusterIP is neither external nor routable");
        changes.ServiceUpserts.Single(e => e.Key.IsWildcard).BackendIds.Should().BeEmpty("the wildcard entry drops unknown ports");
        changes.BackendUpserts.Select(b => (b.Id, b.Address.ToString())).Should().Equal((1u, "10.0.0.1:8080/TCP"), (2u, "10.0.0.2:8080/TCP"));
        changes.RevNatUpserts.Should().Equal(new LbRevNatEntry(1, IPAddress.Parse("10.96.0.10"), 80));
    }

    [Fact]
    public void Flush_UnchangedInput_NoChanges()
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));
        planner.Flush();

        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));

        planner.Flush().IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Flush_BackendSharedByTwoServices_OneIdKeptUntilLastUseGoes()
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetService(Intent(Api, "10.96.0.11"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));
        planner.SetBackends(Local(Api, "api-a", "10.0.0.1"));
        var first = planner.Flush();
        first.BackendUpserts.Should().ContainSingle();

        planner.RemoveService(Web);
        var second = planner.Flush();
        second.BackendDeletes.Should().BeEmpty("api still uses the backend");

        planner.RemoveService(Api);
        planner.Flush().BackendDeletes.Should().Equal(first.BackendUpserts[0].Id);
    }

    [Fact]
    public void Restore_SameStateAfterRestart_SameIdsAndUnclaimedReleased()
    {
        var before = new LoadBalancerPlanner("n1");
        before.SetService(Intent(Web, "10.96.0.10"));
        before.SetService(Intent(Api, "10.96.0.11"));
        before.SetBackends(Local(Api, "api-a", "10.0.0.9"));
        before.SetBackends(Local(Web, "web-a", "10.0.0.1", "10.0.0.2"));
        var tables = new LbTables();
        tables.Apply(before.Flush());

        // The restarted planner sees the services in a different order: IDs must still match the datapath.
        var (after, restarted) = RestartWithWebOnly(tables);

        restarted.Services[Key("10.96.0.10", 80)].Should().Be(tables.Services[Key("10.96.0.10", 80)]);
        restarted.Backends.Values.Should().BeEquivalentTo(tables.Backends.Values.Where(b => b.Address.Address.ToString() != "10.0.0.9"));

        after.SetService(Intent(Api, "10.96.0.12"));
        after.SetBackends(Local(Api, "api-a", "10.0.0.10"));
        var fresh = after.Flush();
        fresh.ServiceUpserts.Single(e => !e.Key.IsWildcard).RevNatIndex.Should().NotBe(tables.Services[Key("10.96.0.10", 80)].RevNatIndex);
    }

    [Fact]
    public void Restore_LastInputsArriveWithSync_KeepTheirIds()
    {
        // ID 1 was taken by a service since removed: web holds backend IDs 2 and 3 and reverse-NAT index 2.
        var before = new LoadBalancerPlanner("n1");
        var tables = new LbTables();
        before.SetService(Intent(Api, "10.96.0.11"));
        before.SetBackends(Local(Api, "api-a", "10.0.0.9"));
        tables.Apply(before.Flush());
        before.SetService(Intent(Web, "10.96.0.10"));
        before.SetBackends(Local(Web, "web-a", "10.0.0.1", "10.0.0.2"));
        tables.Apply(before.Flush());
        before.RemoveService(Api);
        before.RemoveBackends(Api, ServiceBackendSet.LocalSource("api-a"));
        tables.Apply(before.Flush());

        // After a restart web's inputs arrive in the round that ends the sync: their restored IDs are claimed by
        // that round's planning, so the release that ends the sync must not free them first.
        var (_, restarted) = RestartWithWebOnly(tables);

        restarted.Backends.Values.Should().BeEquivalentTo(tables.Backends.Values);
        restarted.Services.Should().BeEquivalentTo(tables.Services);
    }

    [Fact]
    public void Flush_FrontendClaimedTwice_SecondReportedThenTakesOverWhenFirstGoes()
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));
        planner.Flush();

        planner.SetService(Intent(Api, "10.96.0.10"));
        planner.SetBackends(Local(Api, "api-a", "10.0.0.2"));
        planner.Flush().Errors.Should().ContainSingle().Which.Should().Contain("already belongs to default/web");

        planner.RemoveService(Web);
        var changes = planner.Flush();
        changes.ServiceDeletes.Should().BeEmpty("the entries change owner instead of disappearing");
        changes.ServiceUpserts.Single(e => !e.Key.IsWildcard).Service.Should().Be(Api);
    }

    [Fact]
    public void Flush_LoadBalancerWithTrafficPolicyLocal_TwoScopes()
    {
        var planner = new LoadBalancerPlanner("n1");
        var frontend = new Frontend(new L3L4Address(IPAddress.Parse("198.51.100.1"), 80, L4Protocol.Tcp), "http", FrontendType.LoadBalancer);
        planner.SetService(new ServiceIntent(Web, new ValueList<Frontend>([frontend]), false, false, ServiceAffinity.None, 0, ExternalTrafficLocal: true));
        planner.SetBackends(new ServiceBackendSet(Web, "k8s/web-a", 1, true, new ValueList<Backend>(
        [
            Backend("10.0.0.1", "n1"),
            Backend("10.0.0.2", "n2"),
        ])));
        var tables = new LbTables();

        tables.Apply(planner.Flush());

        tables.BackendsOf("198.51.100.1").Should().Equal("10.0.0.1:8080");
        tables.BackendsOf("198.51.100.1", scope: LbScope.Internal).Should().Equal("10.0.0.1:8080", "10.0.0.2:8080");
        tables.Services[Key("198.51.100.1", 80)].Flags.Should().Be(
            ServiceFlagBits.LoadBalancer | ServiceFlagBits.Routable | ServiceFlagBits.ExternalLocalScope | ServiceFlagBits.TwoScopes);
    }

    [Fact]
    public void Flush_SessionAffinity_FlagAndTimeout()
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.SetService(Intent(Web, "10.96.0.10") with { SessionAffinityTimeoutSeconds = 300 });
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));

        var entry = planner.Flush().ServiceUpserts.Single(e => !e.Key.IsWildcard);

        entry.Flags.Should().HaveFlag(ServiceFlagBits.SessionAffinity);
        entry.SessionAffinityTimeoutSeconds.Should().Be(300);
    }

    [Fact]
    public void Flush_FrontendRemoved_EntryAndRevNatDeleted()
    {
        var planner = new LoadBalancerPlanner("n1");
        var tables = new LbTables();
        planner.SetService(Intent(Web, "10.96.0.10", "10.96.0.20"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1"));
        tables.Apply(planner.Flush());
        tables.RevNat.Should().HaveCount(2);

        planner.SetService(Intent(Web, "10.96.0.10"));
        tables.Apply(planner.Flush());

        tables.Services.Keys.Select(k => k.ToString()).Should().Equal("10.96.0.10:0/ANY", "10.96.0.10:80/TCP");
        tables.RevNat.Values.Should().ContainSingle().Which.Address.Should().Be(IPAddress.Parse("10.96.0.10"));
    }

    /// <summary>A planner restored from <paramref name="datapath"/> whose one round, the one ending the sync, brings only web's inputs.</summary>
    private static (LoadBalancerPlanner Planner, LbTables Tables) RestartWithWebOnly(LbTables datapath)
    {
        var planner = new LoadBalancerPlanner("n1");
        planner.Restore(datapath.Services.Values, datapath.Backends.Values);
        planner.SetService(Intent(Web, "10.96.0.10"));
        planner.SetBackends(Local(Web, "web-a", "10.0.0.1", "10.0.0.2"));
        var restarted = new LbTables();
        restarted.Apply(planner.Flush(releaseUnclaimed: true));
        return (planner, restarted);
    }

    private static LbFrontendKey Key(string vip, ushort port) => new(IPAddress.Parse(vip), port, L4Protocol.Tcp, LbScope.External);

    private static ServiceIntent Intent(ServiceName name, params string[] vips) => new(
        name,
        new ValueList<Frontend>(vips.Select(v => new Frontend(new L3L4Address(IPAddress.Parse(v), 80, L4Protocol.Tcp), "http", FrontendType.ClusterIp))),
        Global: false,
        Shared: false,
        ServiceAffinity.None,
        0,
        ExternalTrafficLocal: false);

    private static ServiceBackendSet Local(ServiceName service, string slice, params string[] ips) =>
        new(service, ServiceBackendSet.LocalSource(slice), 1, true, new ValueList<Backend>(ips.Select(ip => Backend(ip, "n1"))));

    private static Backend Backend(string ip, string node) =>
        new(new L3L4Address(IPAddress.Parse(ip), 8080, L4Protocol.Tcp), "http", BackendState.Active, false, 1, node, string.Empty);
}
