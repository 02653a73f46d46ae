using Mesh.Bpf;
using Mesh.Bpf.Maps;
using Mesh.NodeAgent.Host.Metrics;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// One open map as the reconcilers program it. What the map held when the agent started is remembered (each entry
/// until it is written or deleted), so rewriting unchanged state after a restart touches no entry, however the
/// rounds interleave (restart safety, measurable through <see cref="Skipped"/>).
/// </summary>
internal sealed class ProgrammedMap : IDisposable
{
    private readonly Dictionary<EntryBytes, EntryBytes> _found;
    private long _written;
    private long _deleted;
    private long _skipped;
    private long _programmingTicks;
    private long _programmingCpuTicks;
    private long _syscallCpuTicks;

    public ProgrammedMap(IBpfMapHandle handle)
    {
        Handle = handle ?? throw new ArgumentNullException(nameof(handle));
        var entries = handle.Dump();
        _found = new Dictionary<EntryBytes, EntryBytes>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            _found[EntryBytes.From(entries.Key(i))] = EntryBytes.From(entries.Value(i));
        }
        Found = entries;
    }

    public IBpfMapHandle Handle { get; }

    public string Name => Handle.Descriptor.Name;

    /// <summary>The entries present when the map was opened (for ID recovery).</summary>
    public BpfMapEntries Found { get; }

    public long Written => Interlocked.Read(ref _written);

    public long Deleted => Interlocked.Read(ref _deleted);

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Time the reconcilers spent programming this map (encoding, filtering, syscalls).</summary>
    public TimeSpan ProgrammingTime => TimeSpan.FromTicks(Interlocked.Read(ref _programmingTicks));

    /// <summary>CPU time the reconcilers' threads spent programming this map.</summary>
    public TimeSpan ProgrammingCpuTime => TimeSpan.FromTicks(Interlocked.Read(ref _programmingCpuTicks));

    /// <summary>The part of <see cref="ProgrammingCpuTime"/> spent inside the bpf(2) calls (kernel map work).</summary>
    public TimeSpan SyscallCpuTime => TimeSpan.FromTicks(Interlocked.Read(ref _syscallCpuTicks));

    public void AddProgrammingTime(TimeSpan elapsed, TimeSpan cpu)
    {
        Interlocked.Add(ref _programmingTicks, elapsed.Ticks);
        Interlocked.Add(ref _programmingCpuTicks, cpu.Ticks);
    }

    /// <summary>Writes the batch; returns the batch index of the entry that failed and why, or null when all succeeded.</summary>
    public (int Index, string Error)? Write(MapBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var pending = batch;
        List<int>? kept = null;
        if (_found.Count > 0)
        {
            var found = _found;
            // Leave out entries that already hold exactly these bytes.
            kept = [];
            var filtered = new MapBatch(batch.KeySize, batch.ValueSize, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var key = EntryBytes.From(batch.Key(i));
                if (found.TryGetValue(key, out var value) && value == EntryBytes.From(batch.Value(i)))
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }
                found.Remove(key);
                var at = filtered.Append(batch.RowOf(i));
                batch.Key(i).CopyTo(filtered.KeySpan(at));
                batch.Value(i).CopyTo(filtered.ValueSpan(at));
                kept.Add(i);
            }
            pending = filtered;
        }
        if (pending.Count == 0)
        {
            return null;
        }
        try
        {
            var cpu = ThreadCpuClock.Now;
            var written = Handle.UpdateBatch(pending.Keys, pending.Values);
            Interlocked.Add(ref _syscallCpuTicks, (ThreadCpuClock.Now - cpu).Ticks);
            Interlocked.Add(ref _written, written);
            return null;
        }
        catch (BpfException e)
        {
            var failed = e.ElementsProcessed ?? 0;
            Interlocked.Add(ref _written, failed);
            var reason = e.IsMapFull ? $"{Name} is full ({Handle.MaxEntries} entries): {e.Message}" : e.Message;
            return (kept is null ? failed : kept[Math.Min(failed, kept.Count - 1)], reason);
        }
    }

    /// <summary>Deletes the batch's keys (absent keys are fine).</summary>
    public void Delete(MapBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }
        if (_found.Count > 0)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                _found.Remove(EntryBytes.From(batch.Key(i)));
            }
        }
        var cpu = ThreadCpuClock.Now;
        Interlocked.Add(ref _deleted, Handle.DeleteBatch(batch.Keys));
        Interlocked.Add(ref _syscallCpuTicks, (ThreadCpuClock.Now - cpu).Ticks);
    }

    /// <summary>Deletes every key the map holds that <paramref name="keep"/> rejects; returns how many.</summary>
    public int Prune(Func<ReadOnlySpan<byte>, ReadOnlySpan<byte>, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var entries = Handle.Dump();
        var stale = new MapBatch(entries.KeySize, 0);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!keep(entries.Key(i), entries.Value(i)))
            {
                entries.Key(i).CopyTo(stale.KeySpan(stale.Append(0)));
            }
        }
        Delete(stale);
        return stale.Count;
    }

    public void Dispose() => Handle.Dispose();
}
