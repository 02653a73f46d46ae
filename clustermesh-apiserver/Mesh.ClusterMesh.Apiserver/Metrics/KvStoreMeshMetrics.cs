using System.Diagnostics.Metrics;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;

namespace Mesh.ClusterMesh.Apiserver.Metrics;

/// <summary>
/// KVStoreMesh's own metrics (spec §2.9, namespace <c>cilium_kvstoremesh_</c>): <c>bootstrap_seconds</c>,
/// <c>remote_clusters</c>, <c>remote_cluster_failures</c>, <c>remote_cluster_last_failure_ts</c>,
/// <c>remote_cluster_readiness_status</c> and <c>leader_election_master_status</c> (1 per remote this replica owns).
/// All are read from the mesh's status snapshot when scraped.
/// </summary>
public sealed class KvStoreMeshMetrics : IDisposable
{
    public const string MeterName = "Mesh.KvStoreMesh";
    private readonly Meter _meter;
    private readonly KvStoreMesh.KvStoreMesh _mesh;
    private readonly string _sourceCluster;
    private readonly TimeProvider _time;
    private readonly long _started;
    private double? _bootstrap;

    public KvStoreMeshMetrics(KvStoreMesh.KvStoreMesh mesh, string sourceCluster, TimeProvider time)
    {
        _mesh = mesh ?? throw new ArgumentNullException(nameof(mesh));
        _sourceCluster = sourceCluster ?? throw new ArgumentNullException(nameof(sourceCluster));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _started = time.GetTimestamp();
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new(MetricNamespaces.TagKey, MetricNamespaces.KvStoreMesh)] });
        _meter.CreateObservableGauge("bootstrap_seconds", ObserveBootstrap, description: "Duration in seconds to complete bootstrap");
        _meter.CreateObservableGauge("remote_clusters", () => new Measurement<long>(_mesh.Statuses.Count, Source()), description: "The total number of remote clusters meshed with the local cluster");
        _meter.CreateObservableGauge("remote_cluster_failures", () => PerRemote(s => s.Failures), description: "The total number of failures related to the remote cluster");
        _meter.CreateObservableGauge("remote_cluster_last_failure_ts", () => PerRemote(s => s.LastFailure?.ToUnixTimeSeconds() ?? 0), description: "The timestamp of the last failure of the remote cluster");
        _meter.CreateObservableGauge("remote_cluster_readiness_status", () => PerRemote(s => s.Ready ? 1 : 0), description: "The readiness status of the remote cluster");
        _meter.CreateObservableGauge("leader_election_master_status", ObserveOwnership, description: "Whether this replica owns (reflects) the remote cluster");
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> ObserveBootstrap()
    {
        if (_bootstrap is null && _mesh.IsReady)
        {
            _bootstrap = _time.GetElapsedTime(_started).TotalSeconds;
        }
        if (_bootstrap is { } seconds)
        {
            yield return new Measurement<double>(seconds);
        }
    }

    private IEnumerable<Measurement<long>> PerRemote(Func<RemoteClusterStatus, long> value)
    {
        foreach (var status in _mesh.Statuses)
        {
            yield return new Measurement<long>(value(status), [new("source_cluster", _sourceCluster), new("target_cluster", status.Name)]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveOwnership()
    {
        foreach (var status in _mesh.Statuses)
        {
            yield return new Measurement<long>(status.Owned ? 1 : 0, [new("name", status.Name)]);
        }
    }

    private KeyValuePair<string, object?>[] Source() => [new("source_cluster", _sourceCluster)];
}
