namespace Mesh.StateDb.Reconciliation;

/// <summary>
/// Failed keys with their attempt count and due time. Owned by the reconciler loop only. The heap may hold stale
/// entries (a key retried early or removed); they are recognized by their due time and skipped.
/// </summary>
internal sealed class RetryQueue<TKey, TRow>(TimeSpan minBackoff, TimeSpan maxBackoff)
    where TKey : notnull
    where TRow : class
{
    private readonly Dictionary<TKey, Entry> _entries = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> _due = new();

    public int Count => _entries.Count;

    public bool Contains(TKey key) => _entries.ContainsKey(key);

    /// <summary>
    /// Records a failure of <paramref name="key"/> at <paramref name="now"/>; returns the delay until its retry.
    /// <paramref name="deletedRow"/> is the row to delete again when the failure was a deletion.
    /// </summary>
    public TimeSpan Fail(TKey key, TRow? deletedRow, DateTimeOffset now)
    {
        var attempts = _entries.TryGetValue(key, out var previous) ? previous.Attempts + 1 : 1;
        var delay = Backoff.Delay(attempts, minBackoff, maxBackoff);
        var entry = new Entry(attempts, now + delay, deletedRow);
        _entries[key] = entry;
        _due.Enqueue(key, entry.DueAt);
        return delay;
    }

    public void Remove(TKey key) => _entries.Remove(key);

    /// <summary>The earliest due time, or null with nothing to retry.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            while (_due.TryPeek(out var key, out var dueAt))
            {
                if (IsCurrent(key, dueAt))
                {
                    return dueAt;
                }
                _due.Dequeue();
            }
            return null;
        }
    }

    /// <summary>
    /// Keys due at <paramref name="now"/>, with the row to delete for failed deletions. They stay counted as failing
    /// until <see cref="Remove"/> (success) or <see cref="Fail"/> (another failure).
    /// </summary>
    public List<(TKey Key, TRow? DeletedRow)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(TKey, TRow?)>();
        while (_due.TryPeek(out var key, out var dueAt) && dueAt <= now)
        {
            _due.Dequeue();
            if (IsCurrent(key, dueAt))
            {
                due.Add((key, _entries[key].DeletedRow));
            }
        }
        return due;
    }

    private bool IsCurrent(TKey key, DateTimeOffset dueAt) => _entries.TryGetValue(key, out var entry) && entry.DueAt == dueAt;

    private sealed record Entry(int Attempts, DateTimeOffset DueAt, TRow? DeletedRow);
}
