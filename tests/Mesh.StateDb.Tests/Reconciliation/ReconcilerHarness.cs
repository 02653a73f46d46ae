using Mesh.StateDb.Reconciliation;
using Mesh.StateDb.Tables;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.StateDb.Tests.Reconciliation;

/// <summary>A desired-state table, a fake target and a running reconciler on a fake clock.</summary>
internal sealed class ReconcilerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public ReconcilerHarness(bool batch = false, ReconcilerOptions? options = null, Action<Table<MapEntry, int>>? setup = null)
    {
        Table = new Table<MapEntry, int>("bpf-map", r => r.Id);
        setup?.Invoke(Table);
        Target = batch ? new FakeBatchTarget(Clock) : new FakeTarget(Clock);
        Reconciler = new Reconciler<MapEntry, int>(Table, Target, options ?? new ReconcilerOptions { Name = "test" }, Clock);
    }

    public FakeClock Clock { get; } = new();

    public Table<MapEntry, int> Table { get; }

    public FakeTarget Target { get; }

    public Reconciler<MapEntry, int> Reconciler { get; }

    public Task Run => _run ?? throw new InvalidOperationException("not started");

    public static MapEntry Entry(int id, string value) => new(id, value);

    /// <summary>Starts the loop and waits for its first full reconciliation (the table starts initialized unless set up otherwise).</summary>
    public async Task StartAsync(bool waitForFirstFull = true)
    {
        _run = Task.Run(() => Reconciler.RunAsync(_stop.Token));
        if (waitForFirstFull)
        {
            await UntilAsync(() => Reconciler.Health.LastFullReconciliation is not null, "first full reconciliation");
            await ParkedAsync();
        }
    }

    public void Insert(params MapEntry[] rows) => Table.Write(tx =>
    {
        foreach (var row in rows)
        {
            tx.InsertDesired(row);
        }
    });

    public MapEntry Row(int id) => Table.Snapshot().TryGet(id, out var row) ? row : throw new KeyNotFoundException($"row {id}");

    public Task UntilAsync(Func<bool> condition, string what) =>
        Eventually.UntilAsync(
            () =>
            {
                // Surfaces a crashed loop instead of timing out on its effects.
                if (_run is { IsFaulted: true })
                {
                    _run.GetAwaiter().GetResult();
                }
                return condition();
            },
            Timeout,
            what);

    /// <summary>
    /// Waits until the loop has armed its single wake-up timer. Call after waiting for the effect of the last action
    /// (the loop disarms its timer when it wakes): from then on only a new write or a clock advance past the timer makes
    /// it call the target.
    /// </summary>
    public Task ParkedAsync() =>
        UntilAsync(() => Clock.ActiveTimers == 1 && Reconciler.Health.PendingCount == 0, "reconciler parked");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(Timeout);
        }
        _stop.Dispose();
    }
}
