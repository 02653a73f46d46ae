using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Bpf.Maps.Layouts;

namespace Mesh.Bpf.Maps.Dump;

/// <summary>
/// Decodes map entries into tables shaped like cilium-dbg's (<c>bpf lb list</c>, <c>bpf ipcache list</c>) and into
/// JSON. Pure: it takes entries already read from a store. Rows are sorted so output is stable.
/// </summary>
public static class MapDumps
{
    public const string Lb4Services = "lb4-services";
    public const string Lb4Backends = "lb4-backends";
    public const string Lb4RevNat = "lb4-revnat";
    public const string Lb6Services = "lb6-services";
    public const string Lb6Backends = "lb6-backends";
    public const string Lb6RevNat = "lb6-revnat";
    public const string IpCache = "ipcache";

    /// <summary>The dump names the CLI accepts, in display order.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Lb4Services, Lb4Backends, Lb4RevNat, Lb6Services, Lb6Backends, Lb6RevNat, IpCache];

    /// <summary>The map behind a dump name; null for an unknown name.</summary>
    public static BpfMapDescriptor? DescriptorFor(string kind) => kind switch
    {
        Lb4Services => CiliumMaps.Lb4Services,
        Lb4Backends => CiliumMaps.Lb4Backends,
        Lb4RevNat => CiliumMaps.Lb4ReverseNat,
        Lb6Services => CiliumMaps.Lb6Services,
        Lb6Backends => CiliumMaps.Lb6Backends,
        Lb6RevNat => CiliumMaps.Lb6ReverseNat,
        IpCache => CiliumMaps.IpCache,
        _ => null,
    };

    /// <summary>The table for one map.</summary>
    /// <exception cref="ArgumentException">Unknown kind, or entries whose sizes are not that map's layout.</exception>
    public static DumpTable Table(string kind, BpfMapEntries entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        CheckLayout(kind, entries);
        var rows = new List<string[]>(entries.Count);
        string[] columns;
        switch (kind)
        {
            case Lb4Services or Lb6Services:
                columns = ["SERVICE ADDRESS", "SLOT", "BACKEND ID", "COUNT", "REVNAT_ID", "QCOUNT", "FLAGS"];
                for (var i = 0; i < entries.Count; i++)
                {
                    var (frontend, slot) = ServiceKey(kind == Lb6Services, entries.Key(i));
                    var value = LbServiceValue.Read(entries.Value(i));
                    rows.Add([frontend, Text(slot), Text(value.BackendId), Text(value.Count), Text(value.RevNatIndex), Text(value.QuarantinedCount), slot == 0 ? LayoutText.Flags(value.Flags) : string.Empty]);
                }
                break;
            case Lb4Backends or Lb6Backends:
                columns = ["ID", "BACKEND ADDRESS", "STATE", "CLUSTER", "ZONE"];
                for (var i = 0; i < entries.Count; i++)
                {
                    var id = LbBackendKey.Read(entries.Key(i)).BackendId;
                    var (address, state, cluster, zone) = Backend(kind == Lb6Backends, entries.Value(i));
                    rows.Add([Text(id), address, state.ToString().ToLowerInvariant(), Text(cluster), Text(zone)]);
                }
                break;
            case Lb4RevNat or Lb6RevNat:
                columns = ["ID", "ADDRESS"];
                for (var i = 0; i < entries.Count; i++)
                {
                    var id = LbRevNatKey.Read(entries.Key(i)).RevNatIndex;
                    var address = kind == Lb6RevNat ? Lb6RevNatValue.Read(entries.Value(i)).ToString() : Lb4RevNatValue.Read(entries.Value(i)).ToString();
                    rows.Add([Text(id), address]);
                }
                break;
            default:
                return IpCacheList(entries);
        }
        return new DumpTable(columns, Sorted(rows));
    }

    /// <summary>
    /// <c>cilium-dbg bpf lb list</c>: per service (sorted), the service entry as <c>0.0.0.0:0 (revnat) (0) [flags]</c>
    /// and each slot as <c>backend (revnat) (slot)</c>, with the service address only on its first row.
    /// </summary>
    public static DumpTable LbList(BpfMapEntries services, BpfMapEntries backends)
    {
        var grouped = LbListEntries(services, backends);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (service, lines) in grouped)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                rows.Add([i == 0 ? service : string.Empty, lines[i]]);
            }
        }
        return new DumpTable(["SERVICE ADDRESS", "BACKEND ADDRESS (REVNAT_ID) (SLOT)"], rows);
    }

    /// <summary><c>cilium-dbg bpf lb list -o json</c>: service address → its entry lines.</summary>
    public static void WriteLbListJson(BpfMapEntries services, BpfMapEntries backends, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var (service, lines) in LbListEntries(services, backends))
        {
            writer.WriteStartArray(service);
            foreach (var line in lines)
            {
                writer.WriteStringValue(line);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary><c>cilium-dbg bpf ipcache list</c>: prefix → <c>identity=… encryptkey=… tunnelendpoint=… flags=…</c>.</summary>
    public static DumpTable IpCacheList(BpfMapEntries entries)
    {
        CheckLayout(IpCache, entries);
        var rows = new List<string[]>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var key = IpCacheKey.Read(entries.Key(i));
            var value = IpCacheValue.Read(entries.Value(i));
            var endpoint = value.TunnelEndpoint?.ToString() ?? (key.IsIPv6 && (value.Flags & IpCacheFlags.IPv6TunnelEndpoint) != 0 ? "::" : "0.0.0.0");
            rows.Add([key.ToString(), $"identity={Text(value.Identity)} encryptkey={Text(value.EncryptKey)} tunnelendpoint={endpoint} flags={LayoutText.Flags(value.Flags)}"]);
        }
        return new DumpTable(["IP PREFIX/ADDRESS", "IDENTITY"], Sorted(rows));
    }

    /// <summary>Decoded entries as a JSON array of <c>{ "key": {…}, "value": {…} }</c> objects, in the table's order.</summary>
    public static void WriteJson(string kind, BpfMapEntries entries, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        CheckLayout(kind, entries);
        var order = SortedIndexes(kind, entries);
        writer.WriteStartArray();
        foreach (var i in order)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("key");
            WriteKey(kind, entries.Key(i), writer);
            writer.WriteEndObject();
            writer.WriteStartObject("value");
            WriteValue(kind, entries.Value(i), writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteKey(string kind, ReadOnlySpan<byte> key, Utf8JsonWriter writer)
    {
        switch (kind)
        {
            case Lb4Services:
                WriteServiceKey(Lb4ServiceKey.Read(key) is var k4 ? (k4.Vip, k4.Port, k4.Slot, k4.Proto, k4.Scope) : default, writer);
                break;
            case Lb6Services:
                WriteServiceKey(Lb6ServiceKey.Read(key) is var k6 ? (k6.Vip, k6.Port, k6.Slot, k6.Proto, k6.Scope) : default, writer);
                break;
            case Lb4Backends or Lb6Backends:
                writer.WriteNumber("backendId", LbBackendKey.Read(key).BackendId);
                break;
            case Lb4RevNat or Lb6RevNat:
                writer.WriteNumber("revNatIndex", LbRevNatKey.Read(key).RevNatIndex);
                break;
            default:
                var ipcache = IpCacheKey.Read(key);
                writer.WriteString("prefix", ipcache.Prefix.ToString());
                writer.WriteNumber("prefixLength", ipcache.PrefixLength);
                writer.WriteNumber("clusterId", ipcache.ClusterId);
                break;
        }
    }

    private static void WriteValue(string kind, ReadOnlySpan<byte> value, Utf8JsonWriter writer)
    {
        switch (kind)
        {
            case Lb4Services or Lb6Services:
                var service = LbServiceValue.Read(value);
                writer.WriteNumber("backendId", service.BackendId);
                writer.WriteNumber("count", service.Count);
                writer.WriteNumber("revNatIndex", service.RevNatIndex);
                writer.WriteNumber("flags", (ushort)service.Flags);
                writer.WriteString("flagNames", service.Flags.ToString());
                writer.WriteNumber("quarantinedCount", service.QuarantinedCount);
                break;
            case Lb4Backends or Lb6Backends:
                var (address, port, proto, state, cluster, zone) = kind == Lb6Backends
                    ? Lb6BackendValue.Read(value) is var b6 ? (b6.Address, b6.Port, b6.Proto, b6.State, b6.ClusterId, b6.Zone) : default
                    : Lb4BackendValue.Read(value) is var b4 ? (b4.Address, b4.Port, b4.Proto, b4.State, b4.ClusterId, b4.Zone) : default;
                writer.WriteString("address", address.ToString());
                writer.WriteNumber("port", port);
                writer.WriteString("proto", LayoutText.Proto(proto));
                writer.WriteString("state", state.ToString().ToLowerInvariant());
                writer.WriteNumber("clusterId", cluster);
                writer.WriteNumber("zone", zone);
                break;
            case Lb4RevNat or Lb6RevNat:
                var (vip, vport) = kind == Lb6RevNat
                    ? Lb6RevNatValue.Read(value) is var r6 ? (r6.Address, r6.Port) : default
                    : Lb4RevNatValue.Read(value) is var r4 ? (r4.Address, r4.Port) : default;
                writer.WriteString("address", vip.ToString());
                writer.WriteNumber("port", vport);
                break;
            default:
                var info = IpCacheValue.Read(value);
                writer.WriteNumber("identity", info.Identity);
                if (info.TunnelEndpoint is null)
                {
                    writer.WriteNull("tunnelEndpoint");
                }
                else
                {
                    writer.WriteString("tunnelEndpoint", info.TunnelEndpoint.ToString());
                }
                writer.WriteNumber("encryptKey", info.EncryptKey);
                writer.WriteString("flags", LayoutText.Flags(info.Flags));
                break;
        }
    }

    private static void WriteServiceKey((IPAddress Vip, ushort Port, ushort Slot, L4Proto Proto, ServiceScope Scope) key, Utf8JsonWriter writer)
    {
        writer.WriteString("address", key.Vip.ToString());
        writer.WriteNumber("port", key.Port);
        writer.WriteNumber("slot", key.Slot);
        writer.WriteString("proto", LayoutText.Proto(key.Proto));
        writer.WriteString("scope", key.Scope == ServiceScope.Internal ? "internal" : "external");
    }

    private static SortedDictionary<string, List<string>> LbListEntries(BpfMapEntries services, BpfMapEntries backends)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(backends);
        var v6 = services.KeySize == Lb6ServiceKey.ByteSize;
        CheckLayout(v6 ? Lb6Services : Lb4Services, services);
        CheckLayout(backends.ValueSize == Lb6BackendValue.ByteSize ? Lb6Backends : Lb4Backends, backends);
        var backendById = new Dictionary<uint, string>(backends.Count);
        for (var i = 0; i < backends.Count; i++)
        {
            var (address, _, _, _) = Backend(backends.ValueSize == Lb6BackendValue.ByteSize, backends.Value(i));
            backendById[LbBackendKey.Read(backends.Key(i)).BackendId] = address;
        }
        var slots = new SortedDictionary<string, SortedList<ushort, string>>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var (frontend, slot) = ServiceKey(v6, services.Key(i));
            var value = LbServiceValue.Read(services.Value(i));
            string line;
            if (slot == 0)
            {
                var l7 = (value.Flags & ServiceFlags.L7LoadBalancer) != 0 ? $" (L7LB Proxy Port: {Text(value.L7ProxyPort)})" : string.Empty;
                line = $"{(v6 ? "[::]" : "0.0.0.0")}:0 ({Text(value.RevNatIndex)}) (0) [{LayoutText.Flags(value.Flags)}]{l7}";
            }
            else
            {
                line = backendById.TryGetValue(value.BackendId, out var backend)
                    ? $"{backend} ({Text(value.RevNatIndex)}) ({Text(slot)})"
                    : $"backend {Text(value.BackendId)} not found";
            }
            if (!slots.TryGetValue(frontend, out var lines))
            {
                lines = [];
                slots[frontend] = lines;
            }
            lines[slot] = line;
        }
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (frontend, lines) in slots)
        {
            result[frontend] = [.. lines.Values];
        }
        return result;
    }

    private static (string Frontend, ushort Slot) ServiceKey(bool v6, ReadOnlySpan<byte> key)
    {
        if (v6)
        {
            var k6 = Lb6ServiceKey.Read(key);
            return (k6.ToString(), k6.Slot);
        }
        var k4 = Lb4ServiceKey.Read(key);
        return (k4.ToString(), k4.Slot);
    }

    private static (string Address, BackendState State, ushort ClusterId, byte Zone) Backend(bool v6, ReadOnlySpan<byte> value)
    {
        if (v6)
        {
            var b6 = Lb6BackendValue.Read(value);
            return (b6.ToString(), b6.State, b6.ClusterId, b6.Zone);
        }
        var b4 = Lb4BackendValue.Read(value);
        return (b4.ToString(), b4.State, b4.ClusterId, b4.Zone);
    }

    private static void CheckLayout(string kind, BpfMapEntries entries)
    {
        var descriptor = DescriptorFor(kind) ?? throw new ArgumentException($"unknown map '{kind}'; known: {string.Join(", ", Kinds)}", nameof(kind));
        if (entries.KeySize != descriptor.KeySize || entries.ValueSize != descriptor.ValueSize)
        {
            throw new ArgumentException($"{descriptor.Name} entries are {descriptor.KeySize}/{descriptor.ValueSize} bytes, got {entries.KeySize}/{entries.ValueSize}", nameof(entries));
        }
    }

    /// <summary>Entry indexes in table order: services by frontend then slot, ids numerically, prefixes by text.</summary>
    private static int[] SortedIndexes(string kind, BpfMapEntries entries)
    {
        var keys = new string[entries.Count];
        var indexes = new int[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var key = entries.Key(i);
            keys[i] = kind switch
            {
                Lb4Services or Lb6Services => ServiceKey(kind == Lb6Services, key) is var (frontend, slot) ? $"{frontend} {slot:D5}" : string.Empty,
                Lb4Backends or Lb6Backends => LbBackendKey.Read(key).BackendId.ToString("D10", CultureInfo.InvariantCulture),
                Lb4RevNat or Lb6RevNat => LbRevNatKey.Read(key).RevNatIndex.ToString("D5", CultureInfo.InvariantCulture),
                _ => IpCacheKey.Read(key).ToString(),
            };
            indexes[i] = i;
        }
        Array.Sort(keys, indexes, StringComparer.Ordinal);
        return indexes;
    }

    private static List<string[]> Sorted(List<string[]> rows)
    {
        rows.Sort(static (a, b) =>
        {
            for (var c = 0; c < a.Length; c++)
            {
                var order = CompareCell(a[c], b[c]);
                if (order != 0)
                {
                    return order;
                }
            }
            return 0;
        });
        return rows;
    }

    // Numeric cells (ids, slots) sort by value, the rest ordinally.
    private static int CompareCell(string a, string b) =>
        long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);

    private static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
