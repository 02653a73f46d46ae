using System.Globalization;
using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>JSON of <see cref="ServiceExportSpec"/> (Cilium's MCSAPIServiceSpec).</summary>
public static class ServiceExportSpecCodec
{
    public static byte[] Encode(ServiceExportSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var w = GoJsonWriter.Reused().StartObject();
        w.Name("cluster").String(spec.Cluster);
        w.Name("name").String(spec.Name);
        w.Name("namespace").String(spec.Namespace);
        if (spec.Annotations is { Count: > 0 })
        {
            w.Name("annotations").StringMap(spec.Annotations);
        }
        if (spec.Labels is { Count: > 0 })
        {
            w.Name("labels").StringMap(spec.Labels);
        }
        w.Name("exportCreationTimestamp");
        if (spec.ExportCreationTimestamp is { } created)
        {
            // metav1.Time: RFC3339 in UTC with second precision.
            w.String(created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            w.Null();
        }
        w.Name("ports").StartArray();
        foreach (var port in spec.Ports)
        {
            w.StartObject();
            if (port.Name.Length > 0)
            {
                w.Name("name").String(port.Name);
            }
            if (port.Protocol.Length > 0)
            {
                w.Name("protocol").String(port.Protocol);
            }
            w.Name("port").Number(port.Port).EndObject();
        }
        w.EndArray();
        w.Name("type").String(spec.Type);
        w.Name("sessionAffinity").String(spec.SessionAffinity);
        if (spec.SessionAffinityTimeoutSeconds is { } timeout)
        {
            w.Name("sessionAffinityConfig").StartObject().Name("clientIP").StartObject().Name("timeoutSeconds").Number(timeout).EndObject().EndObject();
        }
        return w.EndObject().ToArray();
    }

    public static Decoded<ServiceExportSpec> TryDecode(ReadOnlyMemory<byte> value) => CodecRunner.Run(value, Read);

    private static ServiceExportSpec Read(GoJsonObject o)
    {
        DateTimeOffset? created = null;
        var createdText = o.String("exportCreationTimestamp");
        if (createdText.Length > 0)
        {
            created = DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new CiliumDecodeException("exportCreationTimestamp", $"'{createdText}' is not an RFC3339 time");
        }
        var ports = new List<ServiceExportPort>();
        if (o.Array("ports") is { } array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var port = new GoJsonObject(array[i], $"ports[{i}]");
                ports.Add(new ServiceExportPort(port.String("name"), port.String("protocol"), (int)port.Unsigned("port", 65535)));
            }
        }
        int? timeout = null;
        if (o.Object("sessionAffinityConfig")?.Object("clientIP") is { } clientIp && !clientIp.IsNullOrAbsent("timeoutSeconds"))
        {
            timeout = (int)clientIp.Unsigned("timeoutSeconds", int.MaxValue);
        }
        return new ServiceExportSpec
        {
            Cluster = o.String("cluster"),
            Name = o.String("name"),
            Namespace = o.String("namespace"),
            Annotations = o.StringMap("annotations"),
            Labels = o.StringMap("labels"),
            ExportCreationTimestamp = created,
            Ports = ports,
            Type = o.String("type"),
            SessionAffinity = o.String("sessionAffinity"),
            SessionAffinityTimeoutSeconds = timeout,
        };
    }
}
