using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Host.Datapath;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>
/// The per-endpoint policy maps, opened on first use from the agent's map store. Each open map remembers what it
/// held at start (see <see cref="ProgrammedMap"/>), so a restart with unchanged policy writes no entry.
/// </summary>
internal sealed class PolicyMapSet : IDisposable
{
    private readonly IBpfMapStore _store;
    private readonly int _maxEntries;
    private readonly Lock _gate = new();
    private readonly Dictionary<ushort, ProgrammedMap> _open = [];
    private long _closedWritten;
    private long _closedSkipped;
    private long _closedDeleted;
    private TimeSpan _closedTime;
    private TimeSpan _closedCpuTime;
    private TimeSpan _closedSyscallCpuTime;

    public PolicyMapSet(IBpfMapStore store, int maxEntries)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        _maxEntries = maxEntries;
    }

    public int MaxEntries => _maxEntries;

    /// <summary>The endpoint's map, created when absent.</summary>
    public ProgrammedMap Open(ushort endpointId)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(endpointId, out var map))
            {
                map = new ProgrammedMap(_store.Open(CiliumMaps.Policy(endpointId, _maxEntries)));
                _open.Add(endpointId, map);
            }
            return map;
        }
    }

    /// <summary>The endpoint's map when it exists; never creates one (for deletes).</summary>
    public ProgrammedMap? OpenExisting(ushort endpointId)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(endpointId, out var map))
            {
                return map;
            }
            if (_store.OpenExisting(CiliumMaps.Policy(endpointId).Name) is not { } handle)
            {
                return null;
            }
            map = new ProgrammedMap(handle);
            _open.Add(endpointId, map);
            return map;
        }
    }

    /// <summary>Closes and removes (unpins) the endpoint's map; absent is fine.</summary>
    public bool Remove(ushort endpointId)
    {
        lock (_gate)
        {
            if (_open.Remove(endpointId, out var map))
            {
                Retire(map);
            }
            return _store.Remove(CiliumMaps.Policy(endpointId).Name);
        }
    }

    /// <summary>The endpoints with a policy map in the store, open or not.</summary>
    public IReadOnlyList<ushort> Present() => PolicyMapReader.Endpoints(_store);

    /// <summary>The counters of every policy map, summed (maps removed since start included).</summary>
    public MapCounters Counters
    {
        get
        {
            lock (_gate)
            {
                long written = _closedWritten, skipped = _closedSkipped, deleted = _closedDeleted;
                var time = _closedTime;
                var cpu = _closedCpuTime;
                var syscall = _closedSyscallCpuTime;
                foreach (var map in _open.Values)
                {
                    written += map.Written;
                    skipped += map.Skipped;
                    deleted += map.Deleted;
                    time += map.ProgrammingTime;
                    cpu += map.ProgrammingCpuTime;
                    syscall += map.SyscallCpuTime;
                }
                return new MapCounters(CiliumMaps.PolicyMapPrefix + "*", written, skipped, deleted, time, cpu, syscall);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var map in _open.Values)
            {
                map.Dispose();
            }
            _open.Clear();
        }
    }

    private void Retire(ProgrammedMap map)
    {
        _closedWritten += map.Written;
        _closedSkipped += map.Skipped;
        _closedDeleted += map.Deleted;
        _closedTime += map.ProgrammingTime;
        _closedCpuTime += map.ProgrammingCpuTime;
        _closedSyscallCpuTime += map.SyscallCpuTime;
        map.Dispose();
    }
}
