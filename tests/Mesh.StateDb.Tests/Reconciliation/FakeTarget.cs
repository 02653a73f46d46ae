using Mesh.StateDb.Reconciliation;

namespace Mesh.StateDb.Tests.Reconciliation;

/// <summary>
/// An in-memory target recording every call. <see cref="FailUpdate"/> / <see cref="FailDelete"/> / <see cref="FailPrune"/>
/// make calls throw; <see cref="Gate"/> holds updates until released.
/// </summary>
internal class FakeTarget(TimeProvider time) : IReconcilerOperations<MapEntry>
{
    private readonly object _gate = new();
    private readonly Dictionary<int, string> _contents = [];
    private readonly List<(string Op, int Id, string Value, DateTimeOffset At)> _calls = [];
    private readonly List<IReadOnlyList<MapEntry>> _prunes = [];

    public Func<MapEntry, string?> FailUpdate { get; set; } = _ => null;

    public Func<MapEntry, string?> FailDelete { get; set; } = _ => null;

    public string? FailPrune { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public Dictionary<int, string> Contents
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<int, string>(_contents);
            }
        }
    }

    public List<(string Op, int Id, string Value, DateTimeOffset At)> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public List<IReadOnlyList<MapEntry>> Prunes
    {
        get
        {
            lock (_gate)
            {
                return [.. _prunes];
            }
        }
    }

    public void Seed(int id, string value)
    {
        lock (_gate)
        {
            _contents[id] = value;
        }
    }

    public async Task UpdateAsync(MapEntry row, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            Record("update-started", row);
            await gate.Task.WaitAsync(cancellationToken);
        }
        ApplyUpdate(row);
    }

    public Task DeleteAsync(MapEntry row, CancellationToken cancellationToken)
    {
        ApplyDelete(row);
        return Task.CompletedTask;
    }

    public Task PruneAsync(IReadOnlyList<MapEntry> desired, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _prunes.Add([.. desired]);
            if (FailPrune is { } error)
            {
                throw new InvalidOperationException(error);
            }
            var keep = desired.Select(r => r.Id).ToHashSet();
            foreach (var id in _contents.Keys.Where(id => !keep.Contains(id)).ToList())
            {
                _contents.Remove(id);
            }
        }
        return Task.CompletedTask;
    }

    protected void ApplyUpdate(MapEntry row)
    {
        Record("update", row);
        if (FailUpdate(row) is { } error)
        {
            throw new IOException(error);
        }
        lock (_gate)
        {
            _contents[row.Id] = row.Value;
        }
    }

    protected void ApplyDelete(MapEntry row)
    {
        Record("delete", row);
        if (FailDelete(row) is { } error)
        {
            throw new IOException(error);
        }
        lock (_gate)
        {
            _contents.Remove(row.Id);
        }
    }

    protected void Record(string op, MapEntry row)
    {
        lock (_gate)
        {
            _calls.Add((op, row.Id, row.Value, time.GetUtcNow()));
        }
    }
}
