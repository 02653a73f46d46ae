using System.Text.Json;
using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>JSON of <see cref="IpIdentityPair"/> exactly as Cilium writes it (field order, null mask, omitempty).</summary>
public static class IpIdentityPairCodec
{
    public static byte[] Encode(IpIdentityPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var w = GoJsonWriter.Reused().StartObject();
        w.Name("IP"u8).Address(pair.Ip);
        w.Name("Mask"u8).Bytes(pair.PrefixLength is { } length && pair.Ip is not null ? IpMask.ToBytes(length, pair.Ip.AddressFamily) : null);
        w.Name("HostIP"u8).Address(pair.HostIp);
        return WriteRest(w, pair.Id, pair.Key, pair.Metadata, pair.K8sNamespace, pair.K8sPodName, pair.K8sServiceAccount, pair.NamedPorts);
    }

    /// <summary>
    /// The entry of one endpoint address (no prefix, no metadata), from the address text an exporter already holds:
    /// the same bytes as <see cref="Encode"/> gives the parsed entry, without an address object to parse and format.
    /// <paramref name="ip"/> and <paramref name="hostIp"/> must be as Go prints them (dotted IPv4 without leading
    /// zeros), or empty for no host address; they are written as they are.
    /// </summary>
    public static byte[] EncodeEndpoint(string ip, string hostIp, uint id, byte key, string k8sNamespace, string k8sPodName, string k8sServiceAccount, IReadOnlyList<NamedPort>? namedPorts)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(hostIp);
        var w = GoJsonWriter.Reused().StartObject();
        w.Name("IP"u8).String(ip);
        w.Name("Mask"u8).Null();
        w.Name("HostIP"u8).String(hostIp);
        return WriteRest(w, id, key, string.Empty, k8sNamespace, k8sPodName, k8sServiceAccount, namedPorts);
    }

    private static byte[] WriteRest(GoJsonWriter w, uint id, byte key, string metadata, string k8sNamespace, string k8sPodName, string k8sServiceAccount, IReadOnlyList<NamedPort>? namedPorts)
    {
        w.Name("ID"u8).Number(id);
        w.Name("Key"u8).Number(key);
        w.Name("Metadata"u8).String(metadata);
        if (k8sNamespace.Length > 0)
        {
            w.Name("K8sNamespace"u8).String(k8sNamespace);
        }
        if (k8sPodName.Length > 0)
        {
            w.Name("K8sPodName"u8).String(k8sPodName);
        }
        if (k8sServiceAccount.Length > 0)
        {
            w.Name("K8sServiceAccount"u8).String(k8sServiceAccount);
        }
        if (namedPorts is { Count: > 0 } ports)
        {
            w.Name("NamedPorts"u8).StartArray();
            foreach (var port in ports)
            {
                w.StartObject().Name("Name"u8).String(port.Name).Name("Port"u8).Number(port.Port).Name("Protocol"u8).String(port.Protocol).EndObject();
            }
            w.EndArray();
        }
        return w.EndObject().ToArray();
    }

    public static Decoded<IpIdentityPair> TryDecode(ReadOnlyMemory<byte> value) =>
        IpIdentityPairFastReader.TryRead(value.Span) is { } pair ? Decoded<IpIdentityPair>.Success(pair) : TryDecodeWithGoRules(value);

    /// <summary>The decode with every rule of Go's encoding/json (what the fast reader falls back to).</summary>
    internal static Decoded<IpIdentityPair> TryDecodeWithGoRules(ReadOnlyMemory<byte> value) => CodecRunner.Run(value, Read);

    private static IpIdentityPair Read(GoJsonObject o)
    {
        var ip = IpMask.ParseIp(o.String("IP"), o.FieldPath("IP"));
        int? prefix = null;
        var mask = o.Get("Mask");
        if (mask.ValueKind == JsonValueKind.String)
        {
            byte[] bytes;
            try
            {
                bytes = mask.GetBytesFromBase64();
            }
            catch (FormatException)
            {
                throw new CiliumDecodeException(o.FieldPath("Mask"), "not base64");
            }
            prefix = IpMask.PrefixLength(bytes) ?? throw new CiliumDecodeException(o.FieldPath("Mask"), "not a contiguous mask");
        }
        else if (mask.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            throw new CiliumDecodeException(o.FieldPath("Mask"), $"expected base64 or null, got {mask.ValueKind}");
        }
        List<NamedPort>? ports = null;
        if (o.Array("NamedPorts") is { } array)
        {
            ports = [];
            for (var i = 0; i < array.Count; i++)
            {
                var port = new GoJsonObject(array[i], $"{o.FieldPath("NamedPorts")}[{i}]");
                ports.Add(new NamedPort(port.String("Name"), (ushort)port.Unsigned("Port", ushort.MaxValue), port.String("Protocol")));
            }
        }
        return new IpIdentityPair
        {
            Ip = ip,
            PrefixLength = prefix,
            HostIp = IpMask.ParseIp(o.String("HostIP"), o.FieldPath("HostIP")),
            Id = (uint)o.Unsigned("ID", uint.MaxValue),
            Key = (byte)o.Unsigned("Key", byte.MaxValue),
            Metadata = o.String("Metadata"),
            K8sNamespace = o.String("K8sNamespace"),
            K8sPodName = o.String("K8sPodName"),
            K8sServiceAccount = o.String("K8sServiceAccount"),
            NamedPorts = ports,
        };
    }
}
