using Mesh.StateDb.Tables;
using Mesh.Testing;

namespace Mesh.StateDb.Tests.Tables;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TableTests
{
    private static readonly Index<EndpointRow, string> ByNode = Index<EndpointRow, string>.Create("node", r => r.Node);

    private static Table<EndpointRow, string> NewTable() => new("endpoints", r => r.Name, ByNode);

    [Fact]
    public void Insert_NewRows_BumpsRevisionOncePerTransactionAndStampsRows()
    {
        var table = NewTable();

        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n1", 80));
            tx.Insert(new EndpointRow("b", "n1", 80));
        });
        table.Write(tx => tx.Insert(new EndpointRow("c", "n2", 80)));

        var snapshot = table.Snapshot();
        snapshot.Revision.Should().Be(2);
        snapshot.Count.Should().Be(3);
        snapshot.TryGetStored("a", out var a).Should().BeTrue();
        a.Revision.Should().Be(1);
        snapshot.TryGetStored("c", out var c).Should().BeTrue();
        c.Revision.Should().Be(2);
    }

    [Fact]
    public void Insert_EqualRow_IsNoOpWithoutRevisionOrChange()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));
        using var changes = table.Changes();
        changes.Next().Should().ContainSingle();

        var written = table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));

        written.Should().BeFalse();
        table.Revision.Should().Be(1);
        changes.HasChanges.Should().BeFalse();
        changes.Next().Should().BeEmpty();
    }

    [Fact]
    public void Insert_ChangedRow_ReplacesAndReportsWritten()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));

        var written = table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 443)));

        written.Should().BeTrue();
        table.Snapshot().TryGet("a", out var row).Should().BeTrue();
        row!.Port.Should().Be(443);
        table.Revision.Should().Be(2);
    }

    [Fact]
    public void Snapshot_AfterLaterWrites_StillShowsItsOwnRevision()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));
        var before = table.Snapshot();

        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n2", 81));
            tx.Insert(new EndpointRow("b", "n1", 80));
        });
        table.Write(tx => tx.Delete("a"));

        before.Revision.Should().Be(1);
        before.All().Should().Equal(new EndpointRow("a", "n1", 80));
        before.ByIndex(ByNode, "n1").Should().Equal(new EndpointRow("a", "n1", 80));
        table.Snapshot().All().Should().Equal(new EndpointRow("b", "n1", 80));
    }

    [Fact]
    public void Dispose_WithoutCommit_DiscardsChanges()
    {
        var table = NewTable();

        using (var tx = table.BeginWrite())
        {
            tx.Insert(new EndpointRow("a", "n1", 80));
            tx.TryGet("a", out _).Should().BeTrue("a transaction reads its own writes");
        }

        table.Snapshot().Count.Should().Be(0);
        table.Revision.Should().Be(0);
        table.Write(tx => tx.Insert(new EndpointRow("b", "n1", 80)));
        table.Revision.Should().Be(1, "the writer lock was released by Dispose");
    }

    [Fact]
    public void Write_BodyThrows_DiscardsChanges()
    {
        var table = NewTable();

        var act = () => table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n1", 80));
            throw new InvalidOperationException("boom");
        });

        act.Should().Throw<InvalidOperationException>();
        table.Snapshot().Count.Should().Be(0);
    }

    [Fact]
    public void Commit_Twice_Throws()
    {
        var table = NewTable();
        using var tx = table.BeginWrite();
        tx.Commit();

        var act = tx.Commit;

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void All_StringKeys_OrderedOrdinally()
    {
        var table = NewTable();

        table.Write(tx =>
        {
            foreach (var name in (string[])["c", "B", "a", "b"])
            {
                tx.Insert(new EndpointRow(name, "n", 1));
            }
        });

        table.Snapshot().All().Select(r => r.Name).Should().Equal("B", "a", "b", "c");
    }

    [Fact]
    public void All_KeyWithoutComparer_ReturnsEveryRowInAStableOrder()
    {
        var table = new Table<ClusterEndpointRow, EndpointId>("cluster-endpoints", r => r.Id);
        table.Write(tx =>
        {
            for (var i = 0; i < 100; i++)
            {
                tx.Insert(new ClusterEndpointRow(new EndpointId("c1", i), $"10.0.0.{i}"));
            }
        });

        var first = table.Snapshot().All().ToList();
        var second = table.Snapshot().All().ToList();

        first.Select(r => r.Id.Id).Should().BeEquivalentTo(Enumerable.Range(0, 100));
        second.Should().Equal(first);
        table.Snapshot().TryGet(new EndpointId("c1", 42), out var row).Should().BeTrue();
        row!.Address.Should().Be("10.0.0.42");
    }

    [Fact]
    public void ByIndex_AfterUpdatesAndDeletes_ReflectsCurrentRows()
    {
        var table = NewTable();
        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n1", 80));
            tx.Insert(new EndpointRow("b", "n1", 80));
            tx.Insert(new EndpointRow("c", "n2", 80));
        });

        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n2", 80));
            tx.Insert(new EndpointRow("b", "n1", 8080));
            tx.Delete("c");
        });

        var snapshot = table.Snapshot();
        snapshot.ByIndex(ByNode, "n1").Should().Equal(new EndpointRow("b", "n1", 8080));
        snapshot.ByIndex(ByNode, "n2").Should().Equal(new EndpointRow("a", "n2", 80));
        snapshot.CountByIndex(ByNode, "n2").Should().Be(1);
        snapshot.ByIndex(ByNode, "n3").Should().BeEmpty();
    }

    [Fact]
    public void ByIndex_LastRowOfIndexKeyDeleted_KeyIsEmpty()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));

        table.Write(tx => tx.Delete("a"));

        table.Snapshot().ByIndex(ByNode, "n1").Should().BeEmpty();
        table.Snapshot().CountByIndex(ByNode, "n1").Should().Be(0);
    }

    [Fact]
    public void ByIndex_MultiKeyIndex_FindsRowUnderEveryKeyAndDropsOldKeys()
    {
        var byLabel = Index<EndpointRow, string>.CreateMulti("label", r => r.Node.Split(','));
        var table = new Table<EndpointRow, string>("labelled", r => r.Name, byLabel);
        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "web,prod", 80));
            tx.Insert(new EndpointRow("b", "db,prod", 80));
        });

        table.Write(tx => tx.Insert(new EndpointRow("a", "web,dev", 80)));

        var snapshot = table.Snapshot();
        snapshot.ByIndex(byLabel, "prod").Select(r => r.Name).Should().Equal("b");
        snapshot.ByIndex(byLabel, "web").Select(r => r.Name).Should().Equal("a");
        snapshot.ByIndex(byLabel, "dev").Select(r => r.Name).Should().Equal("a");
        snapshot.ByIndex(byLabel, "db").Select(r => r.Name).Should().Equal("b");
    }

    [Fact]
    public void ByIndex_IndexOfAnotherTable_Throws()
    {
        var foreign = Index<EndpointRow, string>.Create("node", r => r.Node);
        var table = NewTable();

        var act = () => table.Snapshot().ByIndex(foreign, "n1");

        act.Should().Throw<ArgumentException>().WithMessage("*node*endpoints*");
    }

    [Fact]
    public void CompareAndSwap_RowWrittenSinceRead_DoesNotWrite()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));
        table.Snapshot().TryGetStored("a", out var read);
        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 81)));

        var stale = table.Write(tx => tx.CompareAndSwap(new EndpointRow("a", "n1", 82), read.Revision));
        var current = table.Write(tx => tx.CompareAndSwap(new EndpointRow("a", "n1", 83), table.Revision));

        stale.Should().BeFalse();
        current.Should().BeTrue();
        table.Snapshot().TryGet("a", out var row);
        row!.Port.Should().Be(83);
    }

    [Fact]
    public void DeleteWhere_MatchingRows_DeletesOnlyThoseFromRowsAndIndexes()
    {
        var table = NewTable();
        table.Write(tx =>
        {
            for (var i = 0; i < 10; i++)
            {
                tx.Insert(new EndpointRow($"e{i}", i % 2 == 0 ? "even" : "odd", i));
            }
        });

        var deleted = table.Write(tx => tx.DeleteWhere(r => r.Node == "even"));

        deleted.Should().Be(5);
        table.Snapshot().All().Should().OnlyContain(r => r.Node == "odd");
        table.Snapshot().ByIndex(ByNode, "even").Should().BeEmpty();
        table.Write(tx => tx.DeleteAll()).Should().Be(5);
        table.Snapshot().Count.Should().Be(0);
    }

    [Fact]
    public void Delete_MissingKey_ReturnsFalseWithoutRevision()
    {
        var table = NewTable();

        table.Write(tx => tx.Delete("nope")).Should().BeFalse();

        table.Revision.Should().Be(0);
    }

    [Fact]
    public void Constructor_TwoIndexesWithOneName_Throws()
    {
        var act = () => new Table<EndpointRow, string>("t", r => r.Name, ByNode, Index<EndpointRow, int>.Create("node", r => r.Port));

        act.Should().Throw<ArgumentException>().WithMessage("*node*");
    }

    [Fact]
    public async Task Snapshot_ReadersDuringConcurrentWrites_AlwaysSeeWholeTransactions()
    {
        var table = NewTable();
        var writer = Task.Run(() =>
        {
            for (var round = 0; round < 500; round++)
            {
                // Every transaction writes the same port to both rows: a torn read would see two ports.
                table.Write(tx =>
                {
                    tx.Insert(new EndpointRow("a", "n", round));
                    tx.Insert(new EndpointRow("b", "n", round));
                });
            }
        });

        while (!writer.IsCompleted)
        {
            var snapshot = table.Snapshot();
            if (snapshot.Count == 2)
            {
                snapshot.All().Select(r => r.Port).Distinct().Should().ContainSingle();
            }
        }
        await writer;
        table.Revision.Should().Be(500);
    }
}
