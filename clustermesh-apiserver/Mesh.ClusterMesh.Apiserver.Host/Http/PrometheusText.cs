using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Mesh.ClusterMesh.Apiserver.Metrics;

namespace Mesh.ClusterMesh.Apiserver.Host.Http;

/// <summary>
/// Renders Mesh's System.Diagnostics.Metrics instruments in the Prometheus text format, since no Prometheus exporter
/// package is available here. Each instrument gets its meter's <see cref="MetricNamespaces.TagKey"/> tag as namespace
/// (e.g. <c>cilium_kvstoremesh_</c>), or the default one (e.g. <c>cilium_clustermesh_apiserver_</c>).
/// </summary>
internal sealed class PrometheusText : IDisposable
{
    private readonly string _namespace;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Name, string Labels), double> _counters = [];
    private readonly Dictionary<(string Name, string Labels), double> _gauges = [];
    private readonly Dictionary<string, (string Kind, string Help)> _meta = new(StringComparer.Ordinal);

    public PrometheusText(string metricNamespace, string meterPrefix)
    {
        _namespace = metricNamespace;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(meterPrefix, StringComparison.Ordinal))
            {
                lock (_gate)
                {
                    _meta[FullName(instrument)] = (instrument is Counter<long> or ObservableCounter<long> ? "counter" : "gauge", instrument.Description ?? string.Empty);
                }
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        lock (_gate)
        {
            _gauges.Clear();
        }
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var (full, (kind, help)) in _meta.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                text.Append("# HELP ").Append(full).Append(' ').AppendLine(help);
                text.Append("# TYPE ").Append(full).Append(' ').AppendLine(kind);
                foreach (var ((series, labels), value) in _counters.Concat(_gauges).Where(s => s.Key.Name == full).OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
                {
                    text.Append(full).Append(labels).Append(' ').AppendLine(value.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var name = FullName(instrument);
        lock (_gate)
        {
            if (instrument is Counter<long> or Counter<double>)
            {
                _counters[(name, labels)] = _counters.GetValueOrDefault((name, labels)) + value;
            }
            else
            {
                _gauges[(name, labels)] = value;
            }
        }
    }

    private string FullName(Instrument instrument)
    {
        foreach (var tag in instrument.Meter.Tags ?? [])
        {
            if (tag.Key == MetricNamespaces.TagKey && tag.Value is string prefix)
            {
                return prefix + instrument.Name;
            }
        }
        return _namespace + instrument.Name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            pairs.Add($"{tag.Key}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }
        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(',', pairs) + "}";
    }
}
