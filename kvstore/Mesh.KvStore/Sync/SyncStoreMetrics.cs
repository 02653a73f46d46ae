using System.Diagnostics.Metrics;

namespace Mesh.KvStore.Sync;

/// <summary>
/// The kvstore sync metrics of Cilium (spec §2.9, without the process namespace the exporter adds):
/// <c>kvstore_sync_queue_size</c>, <c>kvstore_sync_errors_total</c>, <c>kvstore_initial_sync_completed</c>.
/// </summary>
public sealed class SyncStoreMetrics : IDisposable
{
    public const string MeterName = "Mesh.KvStore";
    private readonly Meter _meter;
    private readonly Counter<long> _errors;
    private readonly Lock _gate = new();
    private readonly List<SyncStore> _stores = [];

    public SyncStoreMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _errors = _meter.CreateCounter<long>("kvstore_sync_errors_total", description: "Failed kvstore writes of sync stores");
        _meter.CreateObservableGauge("kvstore_sync_queue_size", ObserveQueues, description: "Keys waiting to be written");
        _meter.CreateObservableGauge("kvstore_initial_sync_completed", ObserveSynced, description: "Whether the initial sync (canary) completed");
    }

    internal void Register(SyncStore store)
    {
        lock (_gate)
        {
            _stores.Add(store);
        }
    }

    internal void Unregister(SyncStore store)
    {
        lock (_gate)
        {
            _stores.Remove(store);
        }
    }

    internal void Error(SyncStoreOptions options) =>
        _errors.Add(1, new KeyValuePair<string, object?>("scope", options.Scope), new KeyValuePair<string, object?>("source_cluster", options.SourceCluster));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveQueues()
    {
        foreach (var store in Snapshot())
        {
            yield return new Measurement<long>(store.QueueSize, Tags(store.Options));
        }
    }

    private IEnumerable<Measurement<long>> ObserveSynced()
    {
        foreach (var store in Snapshot())
        {
            yield return new Measurement<long>(store.IsSynced ? 1 : 0, [.. Tags(store.Options), new("action", "write")]);
        }
    }

    private SyncStore[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _stores];
        }
    }

    private static KeyValuePair<string, object?>[] Tags(SyncStoreOptions options) =>
        [new("scope", options.Scope), new("source_cluster", options.SourceCluster)];
}
