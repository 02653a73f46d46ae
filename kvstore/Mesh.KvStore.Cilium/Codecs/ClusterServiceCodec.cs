using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>JSON of <see cref="ClusterService"/> as Cilium writes it (lower-camel tags, maps with sorted keys).</summary>
public static class ClusterServiceCodec
{
    public static byte[] Encode(ClusterService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var w = GoJsonWriter.Reused().StartObject();
        w.Name("cluster").String(service.Cluster);
        w.Name("namespace").String(service.Namespace);
        w.Name("name").String(service.Name);
        WritePorts(w.Name("frontends"), service.Frontends);
        WritePorts(w.Name("backends"), service.Backends);
        if (service.Hostnames is { Count: > 0 })
        {
            w.Name("hostnames").StringMap(service.Hostnames);
        }
        if (service.Zones is { Count: > 0 } zones)
        {
            w.Name("zones").StartObject();
            foreach (var ip in GoJsonWriter.SortedKeys(zones.Keys))
            {
                var zone = zones[ip];
                w.Name(ip).StartObject().Name("zone").String(zone.Zone);
                if (zone.ForZones.Count > 0)
                {
                    w.Name("forZones").StartArray();
                    foreach (var hint in zone.ForZones)
                    {
                        w.StartObject().Name("name").String(hint).EndObject();
                    }
                    w.EndArray();
                }
                w.EndObject();
            }
            w.EndObject();
        }
        w.Name("labels").StringMap(service.Labels);
        w.Name("selector").StringMap(service.Selector);
        w.Name("includeExternal").Bool(service.IncludeExternal);
        w.Name("shared").Bool(service.Shared);
        w.Name("clusterID").Number(service.ClusterId);
        return w.EndObject().ToArray();
    }

    public static Decoded<ClusterService> TryDecode(ReadOnlyMemory<byte> value) => CodecRunner.Run(value, Read);

    private static ClusterService Read(GoJsonObject o)
    {
        SortedDictionary<string, BackendZone>? zones = null;
        foreach (var (ip, element) in o.Members("zones"))
        {
            var zone = new GoJsonObject(element, $"zones.{ip}");
            var hints = new List<string>();
            if (zone.Array("forZones") is { } forZones)
            {
                for (var i = 0; i < forZones.Count; i++)
                {
                    hints.Add(new GoJsonObject(forZones[i], $"zones.{ip}.forZones[{i}]").String("name"));
                }
            }
            (zones ??= new(StringComparer.Ordinal))[ip] = new BackendZone(zone.String("zone"), hints);
        }
        return new ClusterService
        {
            Cluster = o.String("cluster"),
            Namespace = o.String("namespace"),
            Name = o.String("name"),
            Frontends = ReadPorts(o, "frontends"),
            Backends = ReadPorts(o, "backends"),
            Hostnames = o.StringMap("hostnames"),
            Zones = zones,
            Labels = o.StringMap("labels"),
            Selector = o.StringMap("selector"),
            IncludeExternal = o.Bool("includeExternal"),
            Shared = o.Bool("shared"),
            ClusterId = (uint)o.Unsigned("clusterID", uint.MaxValue),
        };
    }

    private static void WritePorts(GoJsonWriter w, IReadOnlyDictionary<string, IReadOnlyDictionary<string, L4Address>>? byIp)
    {
        if (byIp is null)
        {
            w.Null();
            return;
        }
        w.StartObject();
        foreach (var ip in GoJsonWriter.SortedKeys(byIp.Keys))
        {
            var ports = byIp[ip];
            w.Name(ip).StartObject();
            foreach (var name in GoJsonWriter.SortedKeys(ports.Keys))
            {
                w.Name(name).StartObject().Name("Protocol").String(ports[name].Protocol).Name("Port").Number(ports[name].Port).EndObject();
            }
            w.EndObject();
        }
        w.EndObject();
    }

    private static SortedDictionary<string, IReadOnlyDictionary<string, L4Address>>? ReadPorts(GoJsonObject o, string field)
    {
        if (o.IsNullOrAbsent(field))
        {
            return null;
        }
        var byIp = new SortedDictionary<string, IReadOnlyDictionary<string, L4Address>>(StringComparer.Ordinal);
        foreach (var (ip, element) in o.Members(field))
        {
            var ports = new SortedDictionary<string, L4Address>(StringComparer.Ordinal);
            // Validates that the port configuration is an object before reading its members.
            _ = new GoJsonObject(element, $"{field}.{ip}");
            foreach (var property in element.EnumerateObject())
            {
                var port = new GoJsonObject(property.Value, $"{field}.{ip}.{property.Name}");
                ports[property.Name] = new L4Address(port.String("Protocol"), (ushort)port.Unsigned("Port", ushort.MaxValue));
            }
            byIp[ip] = ports;
        }
        return byIp;
    }
}
