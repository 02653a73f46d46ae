using Mesh.StateDb.Reconciliation;
using Mesh.Testing;
using static Mesh.StateDb.Tests.Reconciliation.ReconcilerHarness;

namespace Mesh.StateDb.Tests.Reconciliation;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ReconcilerTests
{
    private static readonly int[] BackoffMilliseconds = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000];

    private static readonly ReconcilerOptions LongFullInterval = new() { Name = "test", FullReconciliationInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task RunAsync_PendingRow_UpdatesTargetAndWritesDoneStatus()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();

        h.Insert(Entry(1, "a"));

        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Done, "row 1 done");
        h.Target.Contents.Should().Equal(new Dictionary<int, string> { [1] = "a" });
        h.Row(1).Status.Should().Be(ReconcileStatus.Done(h.Clock.GetUtcNow()));
        h.Reconciler.Health.UpdateCount.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_OwnStatusWrites_DoNotTriggerMoreUpdates()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();

        h.Insert(Entry(1, "a"), Entry(2, "b"));
        await h.UntilAsync(() => h.Table.Snapshot().All().All(r => r.Status.Kind == ReconcileStatusKind.Done), "rows done");
        await h.ParkedAsync();

        h.Target.Calls.Where(c => c.Op == "update").Select(c => c.Id).Should().BeEquivalentTo([1, 2]);
    }

    [Fact]
    public async Task RunAsync_RowsPresentAtStart_AppliedOnce()
    {
        await using var h = new ReconcilerHarness();
        h.Insert(Entry(1, "a"), Entry(2, "b"));

        await h.StartAsync();
        await h.UntilAsync(() => h.Table.Snapshot().All().All(r => r.Status.Kind == ReconcileStatusKind.Done), "rows done");
        await h.ParkedAsync();

        h.Target.Calls.Where(c => c.Op == "update").Select(c => c.Id).Should().BeEquivalentTo([1, 2], "the first full reconciliation covers the initial contents");
    }

    [Fact]
    public async Task RunAsync_DeletedRow_DeletedFromTarget()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        h.Insert(Entry(1, "a"), Entry(2, "b"));
        await h.UntilAsync(() => h.Target.Contents.Count == 2, "rows applied");

        h.Table.Write(tx => tx.Delete(1));

        await h.UntilAsync(() => h.Reconciler.Health.DeleteCount == 1, "row deleted");
        h.Target.Contents.Should().Equal(new Dictionary<int, string> { [2] = "b" });
    }

    [Fact]
    public async Task RunAsync_BatchOperationsAndThousandsOfRowsInOneTransaction_OneBatchCall()
    {
        await using var h = new ReconcilerHarness(batch: true);
        var target = (FakeBatchTarget)h.Target;
        await h.StartAsync();

        h.Insert([.. Enumerable.Range(0, 5000).Select(i => Entry(i, $"v{i}"))]);
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 5000, "5000 updates");
        h.Table.Write(tx => tx.DeleteWhere(r => r.Id < 3000));
        await h.UntilAsync(() => h.Reconciler.Health.DeleteCount == 3000, "3000 deletes");

        target.Batches.Should().Equal(("update-batch", 5000), ("delete-batch", 3000));
        target.Contents.Should().HaveCount(2000);
        h.Target.Calls.Should().NotContain(c => c.Op == "update-started", "single-row operations are not used");
    }

    [Fact]
    public async Task RunAsync_BatchLargerThanMaxBatchSize_SplitIntoChunks()
    {
        await using var h = new ReconcilerHarness(batch: true, new ReconcilerOptions { Name = "test", MaxBatchSize = 1000 });
        var target = (FakeBatchTarget)h.Target;
        await h.StartAsync();

        h.Insert([.. Enumerable.Range(0, 2500).Select(i => Entry(i, "v"))]);
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 2500, "2500 updates");

        target.Batches.Should().Equal(("update-batch", 1000), ("update-batch", 1000), ("update-batch", 500));
    }

    [Fact]
    public async Task RunAsync_BatchWithOneFailingRow_OnlyThatRowInError()
    {
        await using var h = new ReconcilerHarness(batch: true);
        h.Target.FailUpdate = r => r.Id == 7 ? "map full" : null;
        await h.StartAsync();

        h.Insert([.. Enumerable.Range(0, 10).Select(i => Entry(i, "v"))]);

        await h.UntilAsync(() => h.Row(7).Status.Kind == ReconcileStatusKind.Error, "row 7 failed");
        await h.UntilAsync(() => h.Table.Snapshot().All().Count(r => r.Status.Kind == ReconcileStatusKind.Done) == 9, "others done");
        h.Row(7).Status.Error.Should().Be("map full");
        h.Reconciler.Health.ErrorCount.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_BatchCallThrows_EveryRowInErrorAndLoopKeepsRunning()
    {
        await using var h = new ReconcilerHarness(batch: true);
        var target = (FakeBatchTarget)h.Target;
        target.ThrowOnBatch = "netlink socket closed";
        await h.StartAsync();

        h.Insert(Entry(1, "a"), Entry(2, "b"));
        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Error && h.Row(2).Status.Kind == ReconcileStatusKind.Error, "both rows failed");
        h.Row(1).Status.Error.Should().Be("InvalidOperationException: netlink socket closed");
        h.Reconciler.Health.ErrorCount.Should().Be(2);
        target.ThrowOnBatch = null;
        await h.ParkedAsync();
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));

        await h.UntilAsync(() => h.Reconciler.Health.Level == HealthLevel.Ok, "recovered");
        target.Batches.Should().Equal(("update-batch", 2), ("update-batch", 2));
        h.Target.Contents.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_FailingUpdate_RetriedWithDoublingBackoffCappedAtOneMinute()
    {
        await using var h = new ReconcilerHarness(options: LongFullInterval);
        h.Target.FailUpdate = _ => "EBUSY";
        await h.StartAsync();
        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Reconciler.Health.FailureCount == 1, "first failure");
        var expected = BackoffMilliseconds.Select(ms => TimeSpan.FromMilliseconds(ms)).ToList();

        for (var i = 0; i < expected.Count; i++)
        {
            await h.ParkedAsync();
            h.Clock.Advance(expected[i] - TimeSpan.FromMilliseconds(1));
            h.Target.Calls.Should().HaveCount(i + 1, $"retry {i + 1} is not due before {expected[i]}");
            h.Clock.Advance(TimeSpan.FromMilliseconds(1));
            await h.UntilAsync(() => h.Reconciler.Health.FailureCount == i + 2, $"retry {i + 1}");
        }

        var calls = h.Target.Calls;
        calls.Zip(calls.Skip(1), (a, b) => b.At - a.At).Should().Equal(expected);
        await h.UntilAsync(() => h.Row(1).Status == ReconcileStatus.Failed("IOException: EBUSY", calls[^1].At), "status of the last failure");
    }

    [Fact]
    public async Task RunAsync_FailureThenRecovery_DegradedThenOk()
    {
        await using var h = new ReconcilerHarness();
        var levels = new List<HealthLevel>();
        h.Reconciler.HealthChanged += (_, health) =>
        {
            lock (levels)
            {
                if (levels.Count == 0 || levels[^1] != health.Level)
                {
                    levels.Add(health.Level);
                }
            }
        };
        h.Target.FailUpdate = _ => "no route";
        await h.StartAsync();

        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Reconciler.Health.Level == HealthLevel.Degraded, "degraded");
        var degraded = h.Reconciler.Health;
        h.Target.FailUpdate = _ => null;
        await h.ParkedAsync();
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Done, "row done after retry");

        degraded.ErrorCount.Should().Be(1);
        degraded.LastError.Should().Be("IOException: no route");
        var health = h.Reconciler.Health;
        health.Should().BeEquivalentTo(new
        {
            ErrorCount = 0,
            UpdateCount = 1L,
            FailureCount = 1L,
            LastError = "IOException: no route",
        });
        h.Row(1).Status.Kind.Should().Be(ReconcileStatusKind.Done);
        lock (levels)
        {
            levels.Should().Equal(HealthLevel.Ok, HealthLevel.Degraded, HealthLevel.Ok);
        }
    }

    [Fact]
    public async Task RunAsync_NewerRowForFailingKey_AppliedAtOnceAndRetryDropped()
    {
        await using var h = new ReconcilerHarness();
        h.Target.FailUpdate = r => r.Value == "bad" ? "invalid value" : null;
        await h.StartAsync();
        h.Insert(Entry(1, "bad"));
        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Error, "bad row failed");

        h.Insert(Entry(1, "good"));

        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Done, "good row done");
        h.Clock.GetUtcNow().Should().Be(h.Target.Calls[0].At, "the newer row did not wait for the backoff");
        h.Reconciler.Health.Level.Should().Be(HealthLevel.Ok);
        await h.ParkedAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        await h.ParkedAsync();
        h.Target.Calls.Select(c => c.Value).Should().Equal("bad", "good");
        h.Target.Contents[1].Should().Be("good");
    }

    [Fact]
    public async Task RunAsync_RowChangedWhileBeingApplied_StatusNotWrittenOverNewerRow()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Target.Gate = gate;
        h.Insert(Entry(1, "v1"));
        await h.UntilAsync(() => h.Target.Calls.Any(c => c.Op == "update-started"), "update of v1 started");

        h.Insert(Entry(1, "v2"));
        var v2Revision = h.Table.Revision;
        h.Target.Gate = null;
        gate.SetResult();

        await h.UntilAsync(() => h.Row(1) is { Value: "v2", Status.Kind: ReconcileStatusKind.Done }, "v2 done");
        h.Target.Calls.Where(c => c.Op == "update").Select(c => c.Value).Should().Equal("v1", "v2");
        h.Target.Contents[1].Should().Be("v2");
        h.Table.Snapshot().TryGetStored(1, out var stored);
        stored.Revision.Should().Be(v2Revision + 1, "only the status write followed v2");
    }

    [Fact]
    public async Task FullReconciliation_BeforeInitialization_UpdatesButNeverPrunes()
    {
        Mesh.StateDb.Tables.TableInitializer? init = null;
        await using var h = new ReconcilerHarness(setup: t => init = t.RegisterInitializer("k8s-services"));
        h.Target.Seed(99, "stale");
        await h.StartAsync(waitForFirstFull: false);
        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Target.Contents.ContainsKey(1), "row applied before initialization");

        h.Reconciler.TriggerFullReconciliation();
        await h.UntilAsync(() => h.Reconciler.Health.LastFullReconciliation is not null, "full reconciliation");
        h.Target.Prunes.Should().BeEmpty();
        h.Target.Contents.Should().ContainKey(99);

        init!.Done();

        await h.UntilAsync(() => h.Reconciler.Health.PruneCount == 1, "prune after initialization");
        h.Target.Prunes.Should().ContainSingle().Which.Select(r => r.Id).Should().Equal(1);
        h.Target.Contents.Should().Equal(new Dictionary<int, string> { [1] = "a" });
    }

    [Fact]
    public async Task RunAsync_WaitForInitialization_AppliesNothingUntilInitializedThenOnce()
    {
        Mesh.StateDb.Tables.TableInitializer? init = null;
        await using var h = new ReconcilerHarness(
            options: new ReconcilerOptions { Name = "test", WaitForInitialization = true },
            setup: t => init = t.RegisterInitializer("k8s-services"));
        h.Target.Seed(99, "stale");
        await h.StartAsync(waitForFirstFull: false);

        h.Insert(Entry(1, "a"));
        h.Insert(Entry(2, "b"));
        await Task.Delay(100);
        h.Target.Calls.Should().BeEmpty("nothing is applied before the table is initialized");
        init!.Done();

        await h.UntilAsync(() => h.Reconciler.Health.PruneCount == 1, "first full reconciliation");
        h.Target.Calls.Where(c => c.Op == "update").Select(c => c.Id).Should().BeEquivalentTo([1, 2]);
        h.Target.Contents.Should().Equal(new Dictionary<int, string> { [1] = "a", [2] = "b" });
    }

    [Fact]
    public async Task FullReconciliation_IntervalElapsed_ReappliesEverythingAndPrunes()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        h.Insert(Entry(1, "a"), Entry(2, "b"));
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 2, "rows applied");
        await h.ParkedAsync();
        h.Target.Seed(50, "leaked");
        h.Target.Seed(1, "tampered");

        h.Clock.Advance(TimeSpan.FromMinutes(5));

        // Health is published once the round is over, after the prune call.
        await h.UntilAsync(() => h.Reconciler.Health.LastFullReconciliation == h.Clock.GetUtcNow(), "second full reconciliation");
        h.Target.Prunes.Should().HaveCount(2);
        h.Target.Contents.Should().Equal(new Dictionary<int, string> { [1] = "a", [2] = "b" });
        h.Reconciler.Health.UpdateCount.Should().Be(4);
    }

    [Fact]
    public async Task FullReconciliation_PruneFails_DegradedAndRetriedWithBackoff()
    {
        await using var h = new ReconcilerHarness();
        h.Target.FailPrune = "etcd unavailable";
        await h.StartAsync();
        h.Reconciler.Health.Should().BeEquivalentTo(new { Level = HealthLevel.Degraded, PruneFailing = true, ErrorCount = 0 });
        h.Target.FailPrune = null;

        h.Clock.Advance(TimeSpan.FromMilliseconds(100));

        await h.UntilAsync(() => h.Reconciler.Health.Level == HealthLevel.Ok, "prune recovered");
        h.Target.Prunes.Should().HaveCount(2);
        h.Reconciler.Health.LastError.Should().Contain("etcd unavailable");
    }

    [Fact]
    public async Task RunAsync_FailingDelete_RetriedUntilItSucceeds()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 1, "row applied");
        h.Target.FailDelete = _ => "EPERM";

        h.Table.Write(tx => tx.Delete(1));
        await h.UntilAsync(() => h.Reconciler.Health.ErrorCount == 1, "delete failed");
        h.Target.FailDelete = _ => null;
        await h.ParkedAsync();
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));

        await h.UntilAsync(() => h.Reconciler.Health.DeleteCount == 1, "delete retried");
        h.Target.Contents.Should().BeEmpty();
        h.Reconciler.Health.Level.Should().Be(HealthLevel.Ok);
    }

    [Fact]
    public async Task IsCaughtUp_DeletionNotAppliedOrWaitingForRetry_FalseUntilTheEntryIsGone()
    {
        await using var h = new ReconcilerHarness();
        h.Reconciler.IsCaughtUp.Should().BeFalse("the loop has not started");
        await h.StartAsync();
        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 1 && h.Reconciler.IsCaughtUp, "row applied");
        h.Target.FailDelete = _ => "EPERM";

        h.Table.Write(tx => tx.Delete(1));
        h.Table.Snapshot().All().Should().BeEmpty("the row left the table with the commit: no status can tell its entry is still there");
        h.Reconciler.IsCaughtUp.Should().BeFalse("the deletion is committed, not applied");
        await h.UntilAsync(() => h.Reconciler.Health.ErrorCount == 1, "delete failed");
        await h.ParkedAsync();
        h.Reconciler.IsCaughtUp.Should().BeFalse("the failed deletion waits for its retry");
        h.Target.Contents.Should().ContainKey(1);

        h.Target.FailDelete = _ => null;
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await h.UntilAsync(() => h.Reconciler.IsCaughtUp, "deletion retried");
        h.Target.Contents.Should().BeEmpty();
        h.Reconciler.Health.DeleteCount.Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_FailedDeleteThenReinserted_DeleteNotRetried()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        h.Insert(Entry(1, "a"));
        await h.UntilAsync(() => h.Reconciler.Health.UpdateCount == 1, "row applied");
        h.Target.FailDelete = _ => "EPERM";
        h.Table.Write(tx => tx.Delete(1));
        await h.UntilAsync(() => h.Reconciler.Health.ErrorCount == 1, "delete failed");

        h.Insert(Entry(1, "b"));
        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Done, "re-inserted row done");
        await h.ParkedAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ParkedAsync();

        h.Target.Calls.Select(c => (c.Op, c.Value)).Should().Equal(("update", "a"), ("delete", "a"), ("update", "b"));
        h.Target.Contents[1].Should().Be("b");
        h.Reconciler.Health.ErrorCount.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_HealthHandlerThrows_LoopKeepsRunning()
    {
        await using var h = new ReconcilerHarness();
        h.Reconciler.HealthChanged += (_, _) => throw new InvalidOperationException("metrics broken");
        await h.StartAsync();

        h.Insert(Entry(1, "a"));

        await h.UntilAsync(() => h.Row(1).Status.Kind == ReconcileStatusKind.Done, "row done");
        h.Run.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_Cancelled_CompletesWithoutError()
    {
        var h = new ReconcilerHarness();
        await h.StartAsync();

        await h.DisposeAsync();

        h.Run.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesEveryProblem()
    {
        var table = new Mesh.StateDb.Tables.Table<MapEntry, int>("t", r => r.Id);
        var options = new ReconcilerOptions { Name = "", RetryMinBackoff = TimeSpan.Zero, MaxBatchSize = 0 };

        var act = () => new Reconciler<MapEntry, int>(table, new FakeTarget(TimeProvider.System), options, TimeProvider.System);

        act.Should().Throw<ArgumentException>().WithMessage("*Name*RetryMinBackoff*MaxBatchSize*");
    }

    [Fact]
    public void InsertDesired_SameRowApartFromStatus_WritesNothing()
    {
        var table = new Mesh.StateDb.Tables.Table<MapEntry, int>("t", r => r.Id);
        table.Write(tx => tx.Insert(new MapEntry(1, "a", ReconcileStatus.Done(DateTimeOffset.UnixEpoch))));

        var unchanged = table.Write(tx => tx.InsertDesired(new MapEntry(1, "a")));
        var changed = table.Write(tx => tx.InsertDesired(new MapEntry(1, "b", ReconcileStatus.Done(DateTimeOffset.UnixEpoch))));

        unchanged.Should().BeFalse();
        changed.Should().BeTrue();
        table.Snapshot().TryGet(1, out var row);
        row.Should().Be(new MapEntry(1, "b", ReconcileStatus.Pending));
    }
}
