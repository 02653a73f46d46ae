using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Mesh.ClusterMesh.Apiserver.Host.Http;

/// <summary>
/// Renders Mesh's System.Diagnostics.Metrics instruments in the Prometheus text format with a process namespace
/// (e.g. <c>cilium_clustermesh_apiserver_</c>), since no Prometheus exporter package is available here.
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
                    _meta[instrument.Name] = (instrument is Counter<long> or ObservableCounter<long> ? "counter" : "gauge", instrument.Description ?? string.Empty);
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
            foreach (var (name, (kind, help)) in _meta.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                var full = _namespace + name;
                text.Append("# HELP ").Append(full).Append(' ').AppendLine(help);
                text.Append("# TYPE ").Append(full).Append(' ').AppendLine(kind);
                foreach (var ((series, labels), value) in _counters.Concat(_gauges).Where(s => s.Key.Name == name).OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
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
        lock (_gate)
        {
            if (instrument is Counter<long> or Counter<double>)
            {
                _counters[(instrument.Name, labels)] = _counters.GetValueOrDefault((instrument.Name, labels)) + value;
            }
            else
            {
                _gauges[(instrument.Name, labels)] = value;
            }
        }
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
