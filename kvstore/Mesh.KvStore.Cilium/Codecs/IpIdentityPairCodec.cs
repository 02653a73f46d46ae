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
        w.Name("IP").Address(pair.Ip);
        w.Name("Mask").Bytes(pair.PrefixLength is { } length && pair.Ip is not null ? IpMask.ToBytes(length, pair.Ip.AddressFamily) : null);
        w.Name("HostIP").Address(pair.HostIp);
        w.Name("ID").Number(pair.Id);
        w.Name("Key").Number(pair.Key);
        w.Name("Metadata").String(pair.Metadata);
        if (pair.K8sNamespace.Length > 0)
        {
            w.Name("K8sNamespace").String(pair.K8sNamespace);
        }
        if (pair.K8sPodName.Length > 0)
        {
            w.Name("K8sPodName").String(pair.K8sPodName);
        }
        if (pair.K8sServiceAccount.Length > 0)
        {
            w.Name("K8sServiceAccount").String(pair.K8sServiceAccount);
        }
        if (pair.NamedPorts is { Count: > 0 } ports)
        {
            w.Name("NamedPorts").StartArray();
            foreach (var port in ports)
            {
                w.StartObject().Name("Name").String(port.Name).Name("Port").Number(port.Port).Name("Protocol").String(port.Protocol).EndObject();
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
