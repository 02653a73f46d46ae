using System.Runtime.InteropServices;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Service entries into <c>cilium_lb{4,6}_services_v2</c>: backend slots first, then slot 0, so the datapath never
/// sees a count larger than the slots written; slots beyond a shrunken count are deleted afterwards.
/// </summary>
internal sealed class LbServiceMapOperations : MapOperations<LbServiceEntry>
{
    // The backend IDs each programmed service's slots hold (its slot count too); only the reconciler's thread uses it.
    private readonly Dictionary<LbFrontendKey, ValueList<uint>> _programmed = [];
    private readonly Dictionary<uint, int> _references = [];
    private readonly Func<Func<uint, bool>> _backendsProgrammed;
    private Func<uint, bool> _backendReady = static _ => true;

    /// <param name="services4">The IPv4 services map.</param>
    /// <param name="services6">The IPv6 services map.</param>
    /// <param name="backendsProgrammed">
    /// Gives, per batch, whether a backend ID is already in the backends map: a slot is never written before its
    /// backend, so the datapath never selects a backend it cannot find.
    /// </param>
    public LbServiceMapOperations(ProgrammedMap services4, ProgrammedMap services6, Func<Func<uint, bool>> backendsProgrammed)
        : base([services4, services6])
    {
        _backendsProgrammed = backendsProgrammed;
        foreach (var entry in LbEncoding.RecoverServices(services4.Found, services6.Found))
        {
            SetProgrammed(entry.Key, ValueList<uint>.From([.. entry.BackendIds]));
        }
    }

    protected override int MapIndex(LbServiceEntry entry) => entry.Key.IsIPv6 ? 1 : 0;

    protected override void Prefetch(LbServiceEntry entry, int depth) =>
        CachePrefetch.Object(depth == 1 ? entry.Key : entry.Key.Address);

    protected override void BeginBatch() => _backendReady = _backendsProgrammed();

    protected override string? NotReady(LbServiceEntry entry)
    {
        foreach (var id in entry.BackendIds)
        {
            if (!_backendReady(id))
            {
                return $"backend {id} is not programmed yet";
            }
        }
        return null;
    }

    protected override void AppendEntries(LbServiceEntry entry, int row, MapBatch batch)
    {
        // The key is encoded once; every entry of the service is a copy with its slot rewritten.
        Span<byte> template = stackalloc byte[batch.KeySize];
        LbEncoding.WriteServiceKey(entry.Key, 0, template);
        for (var slot = 1; slot <= entry.BackendIds.Count; slot++)
        {
            var i = batch.Append(row);
            var key = batch.KeySpan(i);
            template.CopyTo(key);
            LbEncoding.WriteServiceSlot(entry.Key, (ushort)slot, key);
            LbServiceValue.ForBackendSlot(entry.BackendIds[slot - 1], entry.RevNatIndex, (ServiceFlags)entry.Flags).Write(batch.ValueSpan(i));
        }
        // Slot 0 last: the datapath never sees a count larger than the slots already written.
        var master = batch.Append(row);
        template.CopyTo(batch.KeySpan(master));
        LbServiceValue.ForService(
                (ushort)entry.BackendIds.Count,
                entry.RevNatIndex,
                (ServiceFlags)entry.Flags,
                LbAlgorithm.Default,
                entry.SessionAffinityTimeoutSeconds)
            .Write(batch.ValueSpan(master));
    }

    protected override void AppendStale(LbServiceEntry entry, int row, MapBatch batch)
    {
        var before = SlotCount(entry.Key);
        for (var slot = entry.BackendIds.Count + 1; slot <= before; slot++)
        {
            LbEncoding.WriteServiceKey(entry.Key, (ushort)slot, batch.KeySpan(batch.Append(row)));
        }
    }

    protected override void AppendDeleted(LbServiceEntry entry, int row, MapBatch batch)
    {
        // Slot 0 first: once it is gone no packet looks at the slots.
        LbEncoding.WriteServiceKey(entry.Key, 0, batch.KeySpan(batch.Append(row)));
        var slots = Math.Max(entry.BackendIds.Count, SlotCount(entry.Key));
        for (var slot = 1; slot <= slots; slot++)
        {
            LbEncoding.WriteServiceKey(entry.Key, (ushort)slot, batch.KeySpan(batch.Append(row)));
        }
    }

    /// <summary>Whether a programmed service slot still points at the backend (so it must not be deleted yet).</summary>
    public bool IsReferenced(uint backendId)
    {
        lock (_references)
        {
            return _references.ContainsKey(backendId);
        }
    }

    protected override object? PropagationKey(LbServiceEntry entry) => entry.Service;

    // One lock per round, not per row: the backends reconciler asks IsReferenced from its own thread.
    protected override void BeginWritten() => Monitor.Enter(_references);

    protected override void EndWritten() => Monitor.Exit(_references);

    protected override bool ObservesWrites => true;

    protected override void Written(LbServiceEntry entry) => SetProgrammedLocked(entry.Key, entry.BackendIds);

    protected override void Removed(LbServiceEntry entry) => SetProgrammed(entry.Key, ValueList<uint>.Empty);

    private int SlotCount(LbFrontendKey key) => _programmed.TryGetValue(key, out var ids) ? ids.Count : 0;

    private void SetProgrammed(LbFrontendKey key, ValueList<uint> ids)
    {
        lock (_references)
        {
            SetProgrammedLocked(key, ids);
        }
    }

    private void SetProgrammedLocked(LbFrontendKey key, ValueList<uint> ids)
    {
        // One lookup for read and write; an entry left empty is removed below.
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_programmed, key, out _);
        var old = slot;
        if (old == ids)
        {
            if (ids.Count == 0)
            {
                _programmed.Remove(key);
            }
            return;
        }
        slot = ids;
        foreach (var id in old)
        {
            if (--_references[id] == 0)
            {
                _references.Remove(id);
            }
        }
        foreach (var id in ids)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_references, id, out _);
            count++;
        }
        if (ids.Count == 0)
        {
            _programmed.Remove(key);
        }
    }
}
