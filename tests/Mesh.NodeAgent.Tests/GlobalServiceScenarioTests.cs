using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

/// <summary>
/// Global services across two clusters (spec §3.6, §4.1–§4.2): Services and EndpointSlices in, the desired service
/// and backend tables of each cluster's agent out.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GlobalServiceScenarioTests
{
    private const string Vip1 = "10.96.0.10";
    private const string Vip2 = "10.97.0.10";
    private readonly MeshScenario _mesh = new(("c1", 1), ("c2", 2));

    [Fact]
    public void BothGlobalAndShared_EachSeesLocalAndRemote()
    {
        Deploy(c1: Objects.Service("web", Vip1), c2: Objects.Service("web", Vip2));

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080", "10.2.0.1:8080");
        _mesh.Tables("c2").BackendsOf(Vip2).Should().Equal("10.1.0.1:8080", "10.2.0.1:8080");
    }

    [Fact]
    public void OneSideNotShared_ItStillConsumesButDoesNotExport()
    {
        Deploy(c1: Objects.Service("web", Vip1, shared: "false"), c2: Objects.Service("web", Vip2));

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080", "10.2.0.1:8080");
        _mesh.Tables("c2").BackendsOf(Vip2).Should().Equal("10.2.0.1:8080");
    }

    [Fact]
    public void OneSideNotGlobal_BothSeeOnlyLocal()
    {
        Deploy(c1: Objects.Service("web", Vip1, global: false), c2: Objects.Service("web", Vip2));

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080");
        _mesh.Tables("c2").BackendsOf(Vip2).Should().Equal("10.2.0.1:8080");
    }

    [Fact]
    public void SharedTurnedOff_RemoteDropsTheBackends()
    {
        Deploy(c1: Objects.Service("web", Vip1), c2: Objects.Service("web", Vip2));

        _mesh.Apply("c1", Objects.Service("web", Vip1, shared: "false"));

        _mesh.Tables("c2").BackendsOf(Vip2).Should().Equal("10.2.0.1:8080");
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080", "10.2.0.1:8080");
    }

    [Fact]
    public void NoLocalService_RemoteBackendsAreNotProgrammed()
    {
        _mesh.Apply("c2", Objects.Service("web", Vip2));
        _mesh.Apply("c2", Objects.Slice("web-c2", "web", ("10.2.0.1", true, "c2-node1")));

        _mesh.Tables("c1").Services.Should().BeEmpty("frontends come only from the local Service");
        _mesh.Tables("c1").Backends.Should().BeEmpty();
    }

    [Theory]
    [InlineData("local")]
    [InlineData("remote")]
    [InlineData("none")]
    public void AffinityAllHealthy_PreferredSideOnly(string affinity)
    {
        Deploy(c1: Objects.Service("web", Vip1, affinity: affinity), c2: Objects.Service("web", Vip2));

        string[] expected = affinity switch
        {
            "local" => ["10.1.0.1:8080"],
            "remote" => ["10.2.0.1:8080"],
            _ => ["10.1.0.1:8080", "10.2.0.1:8080"],
        };
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal(expected);
    }

    [Fact]
    public void AffinityLocal_LocalBackendsFail_FailsOverToRemoteThenRecovers()
    {
        Deploy(c1: Objects.Service("web", Vip1, affinity: "local"), c2: Objects.Service("web", Vip2));
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080");

        _mesh.Apply("c1", Objects.Slice("web-c1", "web", ("10.1.0.1", false, "c1-node1")));
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.2.0.1:8080");

        _mesh.Apply("c1", Objects.Slice("web-c1", "web", ("10.1.0.1", true, "c1-node1")));
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080");
    }

    [Fact]
    public void AffinityLocal_OneOfTwoLocalBackendsFails_StaysLocal()
    {
        Deploy(c1: Objects.Service("web", Vip1, affinity: "local"), c2: Objects.Service("web", Vip2));

        _mesh.Apply("c1", Objects.Slice("web-c1", "web", ("10.1.0.1", false, "c1-node1"), ("10.1.0.2", true, "c1-node1")));

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.2:8080");
    }

    [Fact]
    public void AffinityLocal_LocalOnlyTerminating_FailsOverToRemote()
    {
        Deploy(c1: Objects.Service("web", Vip1, affinity: "local"), c2: Objects.Service("web", Vip2));

        _mesh.Apply("c1", Objects.SliceWithConditions("web-c1", "web", [("10.1.0.1", false, true, true, "c1-node1")]));

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.2.0.1:8080");
        _mesh.Tables("c1").Backends.Values.Select(b => b.Address.Address.ToString()).Should().Contain("10.1.0.1",
            "a terminating local backend keeps its entry so its connections can finish");
    }

    [Fact]
    public void AffinityRemote_RemoteBackendsFail_FallsBackToLocalThenRecovers()
    {
        Deploy(c1: Objects.Service("web", Vip1, affinity: "remote"), c2: Objects.Service("web", Vip2));

        _mesh.Apply("c2", Objects.Slice("web-c2", "web", ("10.2.0.1", false, "c2-node1")));
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080");

        _mesh.Apply("c2", Objects.Slice("web-c2", "web", ("10.2.0.1", true, "c2-node1")));
        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.2.0.1:8080");
    }

    [Fact]
    public void AffinityNone_RemoteClusterDisconnected_OnlyLocalRemains()
    {
        Deploy(c1: Objects.Service("web", Vip1), c2: Objects.Service("web", Vip2));

        _mesh.Disconnect("c2");

        _mesh.Tables("c1").BackendsOf(Vip1).Should().Equal("10.1.0.1:8080");
        _mesh.Tables("c1").Backends.Should().HaveCount(1, "the remote backend's entry is removed with its last use");
    }

    [Fact]
    public void LocalServiceDeleted_EveryEntryOfItIsRemoved()
    {
        Deploy(c1: Objects.Service("web", Vip1), c2: Objects.Service("web", Vip2));

        _mesh.DeleteService("c1", "web");

        _mesh.Tables("c1").Services.Should().BeEmpty();
        _mesh.Tables("c1").Backends.Should().BeEmpty();
        _mesh.Tables("c1").RevNat.Should().BeEmpty();
        _mesh.Tables("c2").BackendsOf(Vip2).Should().Equal("10.2.0.1:8080");
    }

    private void Deploy(Mesh.Kubernetes.Objects.KubeService c1, Mesh.Kubernetes.Objects.KubeService c2)
    {
        _mesh.Apply("c1", c1);
        _mesh.Apply("c2", c2);
        _mesh.Apply("c1", Objects.Slice("web-c1", "web", ("10.1.0.1", true, "c1-node1")));
        _mesh.Apply("c2", Objects.Slice("web-c2", "web", ("10.2.0.1", true, "c2-node1")));
    }
}
