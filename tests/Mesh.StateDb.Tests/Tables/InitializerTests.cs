using Mesh.StateDb.Tables;
using Mesh.Testing;

namespace Mesh.StateDb.Tests.Tables;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class InitializerTests
{
    private static Table<EndpointRow, string> NewTable() => new("endpoints", r => r.Name);

    [Fact]
    public void Initialized_NoInitializers_IsTrue()
    {
        var table = NewTable();

        table.Initialized.Should().BeTrue();
        table.InitializedTask.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void Initialized_TwoInitializers_TrueOnlyWhenBothDone()
    {
        var table = NewTable();
        var services = table.RegisterInitializer("k8s-services");
        var kvstore = table.RegisterInitializer("kvstore");

        table.Initialized.Should().BeFalse();
        services.Done();
        table.Initialized.Should().BeFalse();
        table.PendingInitializers.Should().Equal("kvstore");
        table.InitializedTask.IsCompleted.Should().BeFalse();
        kvstore.Done();

        table.Initialized.Should().BeTrue();
        table.InitializedTask.IsCompletedSuccessfully.Should().BeTrue();
        table.PendingInitializers.Should().BeEmpty();
    }

    [Fact]
    public async Task WaitInitializedAsync_LastInitializerDone_Completes()
    {
        var table = NewTable();
        var init = table.RegisterInitializer("k8s-services");
        var wait = table.WaitInitializedAsync(CancellationToken.None);

        wait.IsCompleted.Should().BeFalse();
        init.Done();

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Write_BeforeInitialization_RowsVisibleAndSnapshotNotInitialized()
    {
        var table = NewTable();
        var init = table.RegisterInitializer("k8s-services");

        table.Write(tx => tx.Insert(new EndpointRow("a", "n1", 80)));

        var snapshot = table.Snapshot();
        snapshot.Count.Should().Be(1);
        snapshot.Initialized.Should().BeFalse();
        init.Done();
        snapshot.Initialized.Should().BeFalse("a snapshot never changes");
        table.Snapshot().Initialized.Should().BeTrue();
        table.Snapshot().Revision.Should().Be(1, "initialization is not a row write");
    }

    [Fact]
    public void MarkDone_InTheTransactionOfTheLastRows_FirstInitializedSnapshotHoldsThem()
    {
        var table = NewTable();
        var init = table.RegisterInitializer("k8s-services");

        table.Write(tx =>
        {
            tx.Insert(new EndpointRow("a", "n1", 80));
            tx.MarkDone(init);
            table.Initialized.Should().BeFalse("nothing is published before commit");
        });

        init.IsDone.Should().BeTrue();
        table.Snapshot().Initialized.Should().BeTrue();
        table.Snapshot().Count.Should().Be(1);
    }

    [Fact]
    public void RegisterInitializer_AfterInitializationCompleted_Throws()
    {
        var table = NewTable();
        table.RegisterInitializer("first").Done();

        var act = () => table.RegisterInitializer("late");

        act.Should().Throw<InvalidOperationException>().WithMessage("*late*");
    }

    [Fact]
    public void Done_Twice_IsIdempotent()
    {
        var table = NewTable();
        var first = table.RegisterInitializer("first");
        table.RegisterInitializer("second");

        first.Done();
        first.Done();

        table.Initialized.Should().BeFalse();
        table.PendingInitializers.Should().Equal("second");
    }
}
