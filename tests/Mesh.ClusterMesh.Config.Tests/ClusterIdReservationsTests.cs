using Mesh.Testing;

namespace Mesh.ClusterMesh.Config.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ClusterIdReservationsTests
{
    private readonly ClusterIdReservations _ids = new();

    [Fact]
    public void Reserve_FreeId_Reserved()
    {
        var reservation = _ids.Reserve("cluster2", 7);

        reservation.Reserved.Should().BeTrue();
        reservation.Refusal.Should().BeNull();
        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { ["cluster2"] = 7 });
    }

    [Fact]
    public void Reserve_IdHeldByAnotherCluster_RefusedNamingTheHolder()
    {
        _ids.Reserve("cluster2", 7);

        var reservation = _ids.Reserve("cluster3", 7);

        reservation.Should().Be(new ClusterIdReservation("cluster3", 7, HeldBy: "cluster2"));
        reservation.Reserved.Should().BeFalse();
        reservation.Refusal.Should().Be("cluster ID 7 is already used by remote cluster 'cluster2'");
        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { ["cluster2"] = 7 });
    }

    [Fact]
    public void Reserve_OwnCurrentIdAgain_Reserved()
    {
        _ids.Reserve("cluster2", 7);

        _ids.Reserve("cluster2", 7).Reserved.Should().BeTrue();

        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { ["cluster2"] = 7 });
    }

    [Fact]
    public void Reserve_ClusterChangesItsId_OldIdFreedForOthers()
    {
        _ids.Reserve("cluster2", 7);

        _ids.Reserve("cluster2", 8).Reserved.Should().BeTrue();

        _ids.Reserve("cluster3", 7).Reserved.Should().BeTrue();
        _ids.Reserve("cluster4", 8).HeldBy.Should().Be("cluster2");
        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { ["cluster2"] = 8, ["cluster3"] = 7 });
    }

    [Fact]
    public void Reserve_RefusedNewId_KeepsTheOldOne()
    {
        _ids.Reserve("cluster2", 7);
        _ids.Reserve("cluster3", 8);

        _ids.Reserve("cluster2", 8).HeldBy.Should().Be("cluster3");

        _ids.Reserve("cluster4", 7).HeldBy.Should().Be("cluster2");
    }

    [Fact]
    public void Release_Holder_IdReservableByAnother()
    {
        _ids.Reserve("cluster2", 7);

        _ids.Release("cluster2").Should().BeTrue();

        _ids.Reserve("cluster3", 7).Reserved.Should().BeTrue();
        _ids.Release("cluster2").Should().BeFalse("it no longer holds anything");
        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { ["cluster3"] = 7 });
    }

    [Fact]
    public void Release_ClusterThatWasRefused_HolderKeepsItsId()
    {
        _ids.Reserve("cluster2", 7);
        _ids.Reserve("cluster3", 7);

        _ids.Release("cluster3").Should().BeFalse();

        _ids.Reserve("cluster4", 7).HeldBy.Should().Be("cluster2");
    }

    [Fact]
    public void Reserve_UnsetId_Throws()
    {
        var act = () => _ids.Reserve("cluster2", 0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Reserve_ManyClustersRacingForOneId_ExactlyOneWins()
    {
        using var start = new Barrier(4);
        // One thread each (not pool threads, which the barrier would hold until the pool grows).
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return _ids.Reserve($"cluster{i}", 42);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        var winner = results.Should().ContainSingle(r => r.Reserved).Which.Cluster;
        results.Where(r => !r.Reserved).Should().OnlyContain(r => r.HeldBy == winner);
        _ids.Snapshot.Should().Equal(new Dictionary<string, uint> { [winner] = 42 });
    }
}
