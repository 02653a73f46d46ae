using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.Policy;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>
/// Desired policy-map entries into the endpoints' <c>cilium_policy_v2_&lt;id&gt;</c> LPM tries: one batched call per
/// endpoint map and round. Entries already holding the same bytes (after a restart) are not rewritten. Prune drops
/// keys no row wants from the maps of desired endpoints; maps of endpoints that left are removed by
/// <see cref="PolicyEndpointMapOperations"/>.
/// </summary>
internal sealed class PolicyEntryOperations(PolicyMapSet maps, Func<ushort, bool> endpointWanted, TimeProvider time) : IBatchReconcilerOperations<Desired<PolicyMapRow>>
{
    public Task UpdateAsync(Desired<PolicyMapRow> row, CancellationToken cancellationToken) => ThrowOnError(UpdateBatchAsync([row], cancellationToken));

    public Task DeleteAsync(Desired<PolicyMapRow> row, CancellationToken cancellationToken) => ThrowOnError(DeleteBatchAsync([row], cancellationToken));

    public Task<IReadOnlyList<RowError<Desired<PolicyMapRow>>>> UpdateBatchAsync(IReadOnlyList<Desired<PolicyMapRow>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var errors = new List<RowError<Desired<PolicyMapRow>>>();
        foreach (var (endpointId, batch) in Group(rows, withValues: true))
        {
            var started = time.GetTimestamp();
            var cpuStarted = ThreadCpuClock.Now;
            ProgrammedMap map;
            try
            {
                map = maps.Open(endpointId);
            }
            catch (Exception e) when (e is Mesh.Bpf.BpfException or IOException or UnauthorizedAccessException)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    errors.Add(new RowError<Desired<PolicyMapRow>>(rows[batch.RowOf(i)], $"{CiliumMaps.Policy(endpointId).Name}: {e.Message}"));
                }
                continue;
            }
            if (map.Write(batch) is { } failure)
            {
                // Nothing after the failing element was applied: those rows are retried.
                for (var i = failure.Index; i < batch.Count; i++)
                {
                    errors.Add(new RowError<Desired<PolicyMapRow>>(rows[batch.RowOf(i)], failure.Error));
                }
            }
            map.AddProgrammingTime(time.GetElapsedTime(started), ThreadCpuClock.Now - cpuStarted);
        }
        return Task.FromResult<IReadOnlyList<RowError<Desired<PolicyMapRow>>>>(errors);
    }

    public Task<IReadOnlyList<RowError<Desired<PolicyMapRow>>>> DeleteBatchAsync(IReadOnlyList<Desired<PolicyMapRow>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var (endpointId, batch) in Group(rows, withValues: false))
        {
            // A map already removed (its endpoint left) holds none of these keys: nothing to do.
            if (maps.OpenExisting(endpointId) is { } map)
            {
                var started = time.GetTimestamp();
            var cpuStarted = ThreadCpuClock.Now;
                map.Delete(batch);
                map.AddProgrammingTime(time.GetElapsedTime(started), ThreadCpuClock.Now - cpuStarted);
            }
        }
        return Task.FromResult<IReadOnlyList<RowError<Desired<PolicyMapRow>>>>([]);
    }

    public Task PruneAsync(IReadOnlyList<Desired<PolicyMapRow>> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var keep = new Dictionary<ushort, HashSet<EntryBytes>>();
        Span<byte> key = stackalloc byte[PolicyKey.ByteSize];
        foreach (var row in desired)
        {
            if (!keep.TryGetValue(row.Entry.EndpointId, out var keys))
            {
                keep[row.Entry.EndpointId] = keys = [];
            }
            PolicyMapEncoding.Encode(row.Entry.Key).Write(key);
            keys.Add(EntryBytes.From(key));
        }
        foreach (var endpointId in maps.Present())
        {
            if (!keep.TryGetValue(endpointId, out var keys))
            {
                if (!endpointWanted(endpointId))
                {
                    continue;
                }
                keys = [];
            }
            if (maps.OpenExisting(endpointId) is { } map)
            {
                map.Prune((k, _) => keys.Contains(EntryBytes.From(k)));
            }
        }
        return Task.CompletedTask;
    }

    private static Dictionary<ushort, MapBatch> Group(IReadOnlyList<Desired<PolicyMapRow>> rows, bool withValues)
    {
        var batches = new Dictionary<ushort, MapBatch>();
        for (var row = 0; row < rows.Count; row++)
        {
            var entry = rows[row].Entry;
            if (!batches.TryGetValue(entry.EndpointId, out var batch))
            {
                batches[entry.EndpointId] = batch = new MapBatch(PolicyKey.ByteSize, withValues ? Mesh.Bpf.Maps.Layouts.PolicyEntry.ByteSize : 0);
            }
            var at = batch.Append(row);
            PolicyMapEncoding.Encode(entry.Key).Write(batch.KeySpan(at));
            if (withValues)
            {
                PolicyMapEncoding.Encode(entry.Value).Write(batch.ValueSpan(at));
            }
        }
        return batches;
    }

    private static async Task ThrowOnError(Task<IReadOnlyList<RowError<Desired<PolicyMapRow>>>> call)
    {
        var errors = await call.ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errors[0].Error);
        }
    }
}
