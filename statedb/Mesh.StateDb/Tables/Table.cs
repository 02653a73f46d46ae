using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.StateDb.Tables;

/// <summary>
/// An in-memory table of immutable rows (<c>sealed record</c>s) under a primary key, with optional non-unique
/// secondary indexes. Readers take a <see cref="Snapshot"/> and never lock; writes go through one
/// <see cref="WriteTransaction{TRow, TKey}"/> at a time and publish a new snapshot with a higher
/// <see cref="TableSnapshot{TRow, TKey}.Revision"/>. Rows are ordered by key when the key is comparable.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The writer SemaphoreSlim never allocates a wait handle (AvailableWaitHandle is not used).")]
public sealed class Table<TRow, TKey> : IInitializerOwner
    where TRow : class
    where TKey : notnull
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Func<TRow, TKey> _primaryKey;
    private readonly object _initGate = new();
    private readonly List<TableInitializer> _pendingInitializers = [];
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ImmutableArray<ChangeIterator<TRow, TKey>> _iterators = [];
    private TableSnapshot<TRow, TKey> _current;

    public Table(string name, Func<TRow, TKey> primaryKey, params TableIndex<TRow>[] indexes)
        : this(name, primaryKey, DefaultComparer(), indexes)
    {
    }

    /// <summary>
    /// A table whose rows are ordered by <paramref name="keyComparer"/>, which must agree with the key's <c>Equals</c>;
    /// null keeps rows in a hash tree (stable order, not sorted).
    /// </summary>
    public Table(string name, Func<TRow, TKey> primaryKey, IComparer<TKey>? keyComparer, params TableIndex<TRow>[] indexes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(primaryKey);
        ArgumentNullException.ThrowIfNull(indexes);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in indexes)
        {
            ArgumentNullException.ThrowIfNull(index, nameof(indexes));
            if (!names.Add(index.Name))
            {
                throw new ArgumentException($"table '{name}' has two indexes named '{index.Name}'", nameof(indexes));
            }
        }
        Name = name;
        _primaryKey = primaryKey;
        Indexes = [.. indexes];
        var states = ImmutableArray.CreateBuilder<IndexState<TRow, TKey>>(indexes.Length);
        foreach (var index in indexes)
        {
            states.Add(index.CreateEmpty<TKey>());
        }
        _current = new TableSnapshot<TRow, TKey>(
            name, revision: 0, initialized: true, RowMap<TKey, StoredRow<TRow>>.Empty(keyComparer), Indexes, states.MoveToImmutable());
    }

    public string Name { get; }

    public ImmutableArray<TableIndex<TRow>> Indexes { get; }

    /// <summary>The latest published snapshot.</summary>
    public TableSnapshot<TRow, TKey> Snapshot() => Volatile.Read(ref _current);

    public long Revision => Snapshot().Revision;

    /// <summary>Whether every registered initializer is done (true for a table without initializers).</summary>
    public bool Initialized => Snapshot().Initialized;

    /// <summary>
    /// Completes once the table is initialized. Asking for it when no initializer is pending settles initialization
    /// for good: register initializers at startup, before readers start waiting.
    /// </summary>
    public Task InitializedTask
    {
        get
        {
            lock (_initGate)
            {
                if (_pendingInitializers.Count == 0)
                {
                    _initialized.TrySetResult();
                }
            }
            return _initialized.Task;
        }
    }

    /// <summary>Names of the initializers not done yet.</summary>
    public IReadOnlyList<string> PendingInitializers
    {
        get
        {
            lock (_initGate)
            {
                return [.. _pendingInitializers.Select(i => i.Name)];
            }
        }
    }

    internal IEqualityComparer<TKey> KeyEquality { get; } = EqualityComparer<TKey>.Default;

    public TKey KeyOf(TRow row) => _primaryKey(row);

    public Task WaitInitializedAsync(CancellationToken cancellationToken) => InitializedTask.WaitAsync(cancellationToken);

    /// <summary>
    /// Registers a source whose initial sync the table waits for; the table is not initialized until
    /// <see cref="TableInitializer.Done"/> has been called on it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Initialization has already completed.</exception>
    public TableInitializer RegisterInitializer(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _writer.Wait();
        try
        {
            var initializer = new TableInitializer(this, name);
            lock (_initGate)
            {
                if (_initialized.Task.IsCompleted)
                {
                    throw new InvalidOperationException($"table '{Name}' is already initialized; register initializer '{name}' at startup");
                }
                _pendingInitializers.Add(initializer);
            }
            var current = _current;
            if (current.Initialized)
            {
                Volatile.Write(ref _current, With(current, initialized: false));
            }
            return initializer;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Starts the write transaction, waiting for the current one to finish. Dispose it in every case.</summary>
    public WriteTransaction<TRow, TKey> BeginWrite()
    {
        _writer.Wait();
        return new WriteTransaction<TRow, TKey>(this, _current);
    }

    /// <inheritdoc cref="BeginWrite"/>
    public async Task<WriteTransaction<TRow, TKey>> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        return new WriteTransaction<TRow, TKey>(this, _current);
    }

    /// <summary>Runs <paramref name="body"/> in a write transaction and commits it; an exception discards every change.</summary>
    public void Write(Action<WriteTransaction<TRow, TKey>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var transaction = BeginWrite();
        body(transaction);
        transaction.Commit();
    }

    /// <inheritdoc cref="Write(Action{WriteTransaction{TRow, TKey}})"/>
    public TResult Write<TResult>(Func<WriteTransaction<TRow, TKey>, TResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var transaction = BeginWrite();
        var result = body(transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>A new change iterator starting with the current contents; dispose it when done reading.</summary>
    public ChangeIterator<TRow, TKey> Changes()
    {
        // Under the writer lock so that no commit falls between the initial contents and the subscription.
        _writer.Wait();
        try
        {
            var iterator = new ChangeIterator<TRow, TKey>(this, _current);
            _iterators = _iterators.Add(iterator);
            return iterator;
        }
        finally
        {
            _writer.Release();
        }
    }

    void IInitializerOwner.Complete(TableInitializer initializer)
    {
        if (initializer.IsDone)
        {
            return;
        }
        _writer.Wait();
        try
        {
            Publish(null, null, [initializer]);
        }
        finally
        {
            _writer.Release();
        }
    }

    public override string ToString() => $"{Name} (revision {Revision})";

    internal void Unsubscribe(ChangeIterator<TRow, TKey> iterator) => ImmutableInterlocked.Update(ref _iterators, static (all, it) => all.Remove(it), iterator);

    internal void ReleaseWriter() => _writer.Release();

    /// <summary>Called with the writer lock held: swaps in the new snapshot, then feeds the change iterators.</summary>
    internal void Publish(TableSnapshot<TRow, TKey>? next, Dictionary<TKey, Change<TRow>>? changes, List<TableInitializer>? completing)
    {
        var initialized = _current.Initialized;
        var completed = false;
        if (completing is not null)
        {
            lock (_initGate)
            {
                foreach (var initializer in completing)
                {
                    if (_pendingInitializers.Remove(initializer))
                    {
                        initializer.MarkDone();
                        completed = true;
                    }
                }
                initialized = _pendingInitializers.Count == 0;
            }
        }
        if (next is null && !completed)
        {
            return;
        }
        next ??= _current;
        if (next.Initialized != initialized)
        {
            next = With(next, initialized);
        }
        Volatile.Write(ref _current, next);
        if (changes is { Count: > 0 })
        {
            foreach (var iterator in _iterators)
            {
                iterator.Push(changes);
            }
        }
        if (completed && initialized)
        {
            _initialized.TrySetResult();
        }
    }

    private static TableSnapshot<TRow, TKey> With(TableSnapshot<TRow, TKey> snapshot, bool initialized) =>
        new(snapshot.TableName, snapshot.Revision, initialized, snapshot.Rows, snapshot.Definitions, snapshot.Indexes);

    private static IComparer<TKey>? DefaultComparer()
    {
        if (typeof(TKey) == typeof(string))
        {
            // Ordinal: culture-aware comparison is slower and disagrees with string equality.
            return (IComparer<TKey>)(object)StringComparer.Ordinal;
        }
        return typeof(IComparable<TKey>).IsAssignableFrom(typeof(TKey)) || typeof(IComparable).IsAssignableFrom(typeof(TKey))
            ? Comparer<TKey>.Default
            : null;
    }
}
