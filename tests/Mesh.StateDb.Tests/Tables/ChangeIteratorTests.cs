using Mesh.StateDb.Tables;
using Mesh.Testing;

namespace Mesh.StateDb.Tests.Tables;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ChangeIteratorTests
{
    private static Table<EndpointRow, string> NewTable() => new("endpoints", r => r.Name);

    private static EndpointRow Row(string name, int port = 80) => new(name, "n1", port);

    [Fact]
    public void Next_NewIterator_YieldsCurrentContentsThenLaterChanges()
    {
        var table = NewTable();
        table.Write(tx =>
        {
            tx.Insert(Row("b"));
            tx.Insert(Row("a"));
        });
        using var changes = table.Changes();

        var initial = changes.Next();
        table.Write(tx => tx.Insert(Row("c")));
        var later = changes.Next();

        initial.Should().Equal(new Change<EndpointRow>(Row("a"), 1, false), new Change<EndpointRow>(Row("b"), 1, false));
        later.Should().Equal(new Change<EndpointRow>(Row("c"), 2, false));
        changes.Next().Should().BeEmpty();
    }

    [Fact]
    public void Next_SeveralWritesOfOneKey_DeliversOnlyTheLatest()
    {
        var table = NewTable();
        using var changes = table.Changes();

        for (var port = 1; port <= 5; port++)
        {
            table.Write(tx => tx.Insert(Row("a", port)));
        }

        changes.Next().Should().Equal(new Change<EndpointRow>(Row("a", 5), 5, false));
    }

    [Fact]
    public void Next_KeyChangedAfterIteratorCreated_InitialContentSuperseded()
    {
        var table = NewTable();
        table.Write(tx =>
        {
            tx.Insert(Row("a", 1));
            tx.Insert(Row("b", 1));
        });
        using var changes = table.Changes();

        table.Write(tx => tx.Insert(Row("a", 2)));

        changes.Next().Should().Equal(new Change<EndpointRow>(Row("b", 1), 1, false), new Change<EndpointRow>(Row("a", 2), 2, false));
    }

    [Fact]
    public void Next_CoalescedKeys_InRevisionOrder()
    {
        var table = NewTable();
        using var changes = table.Changes();

        table.Write(tx => tx.Insert(Row("a", 1)));
        table.Write(tx => tx.Insert(Row("b", 1)));
        table.Write(tx => tx.Insert(Row("a", 2)));

        changes.Next().Select(c => (c.Row.Name, c.Revision)).Should().Equal(("b", 2L), ("a", 3L));
    }

    [Fact]
    public void Next_InsertedThenDeletedBeforeRead_DeliversTheDeletedRow()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(Row("a", 1)));
        using var changes = table.Changes();
        changes.Next();

        table.Write(tx => tx.Insert(Row("a", 2)));
        table.Write(tx => tx.Delete("a"));

        changes.Next().Should().Equal(new Change<EndpointRow>(Row("a", 2), 3, Deleted: true));
    }

    [Fact]
    public void Next_SlowReaderAcrossManyCommits_LosesNoDelete()
    {
        var table = NewTable();
        table.Write(tx =>
        {
            for (var i = 0; i < 1000; i++)
            {
                tx.Insert(Row($"e{i:D4}"));
            }
        });
        using var slow = table.Changes();
        using var fast = table.Changes();
        slow.Next().Should().HaveCount(1000);
        fast.Next().Should().HaveCount(1000);

        for (var i = 0; i < 1000; i += 2)
        {
            table.Write(tx => tx.Delete($"e{i:D4}"));
            fast.Next().Should().ContainSingle().Which.Deleted.Should().BeTrue();
        }
        table.Write(tx => tx.Insert(Row("e0001", 443)));

        var batch = slow.Next();
        batch.Where(c => c.Deleted).Select(c => c.Row.Name).Should().BeEquivalentTo(Enumerable.Range(0, 500).Select(i => $"e{i * 2:D4}"));
        batch.Where(c => !c.Deleted).Should().Equal(new Change<EndpointRow>(Row("e0001", 443), 502, false));
    }

    [Fact]
    public void Next_TwoIterators_EachGetsEveryChangeIndependently()
    {
        var table = NewTable();
        using var first = table.Changes();
        table.Write(tx => tx.Insert(Row("a")));
        using var second = table.Changes();

        table.Write(tx => tx.Insert(Row("b")));

        first.Next().Select(c => c.Row.Name).Should().Equal("a", "b");
        second.Next().Select(c => c.Row.Name).Should().Equal("a", "b");
        table.Write(tx => tx.Delete("a"));
        first.Next().Should().Equal(new Change<EndpointRow>(Row("a"), 3, true));
        second.Next().Should().Equal(new Change<EndpointRow>(Row("a"), 3, true));
    }

    [Fact]
    public async Task WaitAsync_NothingPending_CompletesOnCommit()
    {
        var table = NewTable();
        using var changes = table.Changes();

        var wait = changes.WaitAsync(CancellationToken.None);
        wait.IsCompleted.Should().BeFalse();
        table.Write(tx => tx.Insert(Row("a")));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        changes.Next().Should().ContainSingle();
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var table = NewTable();
        using var changes = table.Changes();
        using var cancel = new CancellationTokenSource();

        var wait = changes.WaitAsync(cancel.Token);
        await cancel.CancelAsync();

        await wait.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ReadAllAsync_Writes_YieldsNonEmptyBatches()
    {
        var table = NewTable();
        table.Write(tx => tx.Insert(Row("a")));
        using var changes = table.Changes();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();

        await foreach (var batch in changes.ReadAllAsync(cancel.Token))
        {
            batch.Should().NotBeEmpty();
            seen.AddRange(batch.Select(c => c.Row.Name));
            if (seen.Count == 1)
            {
                table.Write(tx => tx.Insert(Row("b")));
            }
            else
            {
                break;
            }
        }

        seen.Should().Equal("a", "b");
    }

    [Fact]
    public void Dispose_Iterator_StopsBeingFedAndThrowsOnUse()
    {
        var table = NewTable();
        var changes = table.Changes();

        changes.Dispose();
        table.Write(tx => tx.Insert(Row("a")));

        var act = () => changes.Next();
        act.Should().Throw<ObjectDisposedException>();
    }
}
