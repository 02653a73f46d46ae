using System.Collections.Immutable;
using Mesh.KvStore.Store;
using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Sync;

/// <summary>
/// Mirrors one prefix into typed entries (Cilium's WatchStore). Each <see cref="WatchAsync"/> call is one
/// connection: it marks every known entry stale, lists and follows the prefix, and at list-done deletes the entries
/// still stale, so deletions missed while disconnected are not lost (spec §3.5). Values that fail to decode or
/// validate are skipped with a log line and a counter; the watch goes on and nothing else is lost.
/// </summary>
/// <typeparam name="T">The decoded value type.</typeparam>
public sealed partial class WatchStore<T>
    where T : class
{
    private readonly string _prefix;
    private readonly Func<string, ReadOnlyMemory<byte>, WatchStoreDecode<T>> _decode;
    private readonly Action<WatchStoreChange<T>>? _observer;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // A plain dictionary under a lock, not an immutable tree: a bootstrap of 250k entries would otherwise allocate a
    // path of tree nodes per entry. Readers get counts cheaply and snapshots on demand.
    private readonly Dictionary<string, T> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _rejected;

    /// <param name="prefix">The watched prefix; a trailing "/" is added so <c>c1</c> does not match <c>c10</c>.</param>
    /// <param name="decode">Decodes and validates a value given its name (the key below the prefix).</param>
    /// <param name="observer">Called on the watch loop for every applied change, in order.</param>
    /// <param name="logger">Logs rejected values.</param>
    public WatchStore(string prefix, Func<string, ReadOnlyMemory<byte>, WatchStoreDecode<T>> decode, Action<WatchStoreChange<T>>? observer, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _prefix = prefix.EndsWith('/') ? prefix : prefix + "/";
        _decode = decode ?? throw new ArgumentNullException(nameof(decode));
        _observer = observer;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>A snapshot of the current entries by name (key below the prefix).</summary>
    public ImmutableSortedDictionary<string, T> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToImmutableSortedDictionary(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>How many entries the store holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Completes after the first list of the first connection.</summary>
    public Task Synced => _synced.Task;

    public bool IsSynced => _synced.Task.IsCompleted;

    /// <summary>Values refused so far (undecodable or invalid).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Follows the prefix through <paramref name="kv"/> until cancelled or the stream ends.</summary>
    public async Task WatchAsync(IKvStore kv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kv);
        HashSet<string> stale;
        lock (_gate)
        {
            stale = new HashSet<string>(_entries.Keys, StringComparer.Ordinal);
        }
        var listing = true;
        await foreach (var change in kv.WatchAsync(_prefix, cancellationToken))
        {
            switch (change.Type)
            {
                case KvEventType.Upsert:
                    var name = change.Key[_prefix.Length..];
                    stale.Remove(name);
                    var decoded = _decode(name, change.Value);
                    if (decoded.Value is { } value)
                    {
                        Set(name, value);
                    }
                    else
                    {
                        Interlocked.Increment(ref _rejected);
                        LogRejected(change.Key, decoded.Error ?? "rejected");
                    }
                    break;
                case KvEventType.Delete:
                    Remove(change.Key[_prefix.Length..]);
                    break;
                case KvEventType.ListDone when listing:
                    listing = false;
                    foreach (var gone in stale)
                    {
                        Remove(gone);
                    }
                    _observer?.Invoke(new WatchStoreChange<T>(WatchStoreChangeKind.Synced, string.Empty, null));
                    _synced.TrySetResult();
                    break;
            }
        }
    }

    /// <summary>
    /// Starts from entries already known elsewhere (the same data followed on another prefix), without reporting
    /// them: the next list then sweeps only what is really gone.
    /// </summary>
    public void Seed(IEnumerable<KeyValuePair<string, T>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            foreach (var (name, value) in entries)
            {
                _entries[name] = value;
            }
        }
    }

    /// <summary>Removes every entry (the remote was disconnected for good), reporting each as deleted.</summary>
    public void Drain()
    {
        string[] names;
        lock (_gate)
        {
            names = [.. _entries.Keys];
        }
        foreach (var name in names)
        {
            Remove(name);
        }
    }

    private void Set(string name, T value)
    {
        lock (_gate)
        {
            _entries[name] = value;
        }
        _observer?.Invoke(new WatchStoreChange<T>(WatchStoreChangeKind.Upsert, name, value));
    }

    private void Remove(string name)
    {
        T? last;
        lock (_gate)
        {
            if (!_entries.Remove(name, out last))
            {
                return;
            }
        }
        _observer?.Invoke(new WatchStoreChange<T>(WatchStoreChangeKind.Delete, name, last));
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Skipping {Key}: {Reason}")]
    private partial void LogRejected(string key, string reason);
}
