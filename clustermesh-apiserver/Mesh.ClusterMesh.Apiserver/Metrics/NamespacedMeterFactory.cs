using System.Diagnostics.Metrics;

namespace Mesh.ClusterMesh.Apiserver.Metrics;

/// <summary>Creates meters tagged with one Prometheus namespace (e.g. KVStoreMesh's copy of the kvstore sync metrics).</summary>
public sealed class NamespacedMeterFactory(string prometheusNamespace) : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name)
        {
            Version = options.Version,
            Tags = [.. options.Tags ?? [], new(MetricNamespaces.TagKey, prometheusNamespace)],
            Scope = this,
        });
        lock (_meters)
        {
            _meters.Add(meter);
        }
        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
            _meters.Clear();
        }
    }
}
