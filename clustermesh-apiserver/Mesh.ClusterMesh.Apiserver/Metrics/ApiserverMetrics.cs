using System.Diagnostics.Metrics;
using Mesh.ClusterMesh.Apiserver.Export;

namespace Mesh.ClusterMesh.Apiserver.Metrics;

/// <summary>The apiserver's own metrics beyond the kvstore sync ones: <c>bootstrap_seconds{source_cluster}</c> (until every resource was exported).</summary>
public sealed class ApiserverMetrics : IDisposable
{
    public const string MeterName = "Mesh.ClusterMesh.Apiserver";
    private readonly Meter _meter;
    private readonly ClusterExporter _exporter;
    private readonly string _sourceCluster;
    private readonly TimeProvider _time;
    private readonly long _started;
    private double? _bootstrap;

    public ApiserverMetrics(ClusterExporter exporter, string sourceCluster, TimeProvider time)
    {
        _exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        _sourceCluster = sourceCluster ?? throw new ArgumentNullException(nameof(sourceCluster));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _started = time.GetTimestamp();
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new(MetricNamespaces.TagKey, MetricNamespaces.Apiserver)] });
        _meter.CreateObservableGauge("bootstrap_seconds", Observe, description: "Duration in seconds to complete bootstrap");
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Observe()
    {
        if (_bootstrap is null && _exporter.IsReady)
        {
            _bootstrap = _time.GetElapsedTime(_started).TotalSeconds;
        }
        if (_bootstrap is { } seconds)
        {
            yield return new Measurement<double>(seconds, [new("source_cluster", _sourceCluster)]);
        }
    }
}
