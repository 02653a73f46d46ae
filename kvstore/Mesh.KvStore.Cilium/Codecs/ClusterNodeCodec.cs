using System.Net;
using System.Text.Json;
using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>
/// JSON of <see cref="ClusterNode"/> as Cilium writes it (Go field names, legacy <c>{"IP","Mask"}</c> CIDR objects).
/// Reads CIDRs in both the legacy object form and the newer <c>"10.244.1.0/24"</c> string form.
/// </summary>
public static class ClusterNodeCodec
{
    public static byte[] Encode(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var w = GoJsonWriter.Reused().StartObject();
        w.Name("Name").String(node.Name);
        w.Name("Cluster").String(node.Cluster);
        w.Name("IPAddresses");
        if (node.IpAddresses is null)
        {
            w.Null();
        }
        else
        {
            w.StartArray();
            foreach (var address in node.IpAddresses)
            {
                w.StartObject().Name("Type").String(address.Type).Name("IP").Address(address.Ip).EndObject();
            }
            w.EndArray();
        }
        WriteCidr(w.Name("IPv4AllocCIDR"), node.IPv4AllocCidr);
        WriteCidrs(w.Name("IPv4SecondaryAllocCIDRs"), node.IPv4SecondaryAllocCidrs);
        WriteCidr(w.Name("IPv6AllocCIDR"), node.IPv6AllocCidr);
        WriteCidrs(w.Name("IPv6SecondaryAllocCIDRs"), node.IPv6SecondaryAllocCidrs);
        w.Name("IPv4HealthIP").String(node.IPv4HealthIp);
        w.Name("IPv6HealthIP").String(node.IPv6HealthIp);
        w.Name("IPv4IngressIP").String(node.IPv4IngressIp);
        w.Name("IPv6IngressIP").String(node.IPv6IngressIp);
        w.Name("ClusterID").Number(node.ClusterId);
        w.Name("Source").String(node.Source);
        w.Name("EncryptionKey").Number(node.EncryptionKey);
        w.Name("Labels").StringMap(node.Labels);
        w.Name("Annotations").StringMap(node.Annotations);
        w.Name("WireguardPubKey").String(node.WireguardPubKey);
        w.Name("BootID").String(node.BootId);
        return w.EndObject().ToArray();
    }

    public static Decoded<ClusterNode> TryDecode(ReadOnlyMemory<byte> value) => CodecRunner.Run(value, Read);

    private static ClusterNode Read(GoJsonObject o)
    {
        List<NodeAddress>? addresses = null;
        if (o.Array("IPAddresses") is { } array)
        {
            addresses = [];
            for (var i = 0; i < array.Count; i++)
            {
                var address = new GoJsonObject(array[i], $"IPAddresses[{i}]");
                addresses.Add(new NodeAddress(address.String("Type"), IpMask.ParseIp(address.String("IP"), address.FieldPath("IP"))));
            }
        }
        return new ClusterNode
        {
            Name = o.String("Name"),
            Cluster = o.String("Cluster"),
            IpAddresses = addresses,
            IPv4AllocCidr = ReadCidr(o.Get("IPv4AllocCIDR"), "IPv4AllocCIDR"),
            IPv4SecondaryAllocCidrs = ReadCidrs(o, "IPv4SecondaryAllocCIDRs"),
            IPv6AllocCidr = ReadCidr(o.Get("IPv6AllocCIDR"), "IPv6AllocCIDR"),
            IPv6SecondaryAllocCidrs = ReadCidrs(o, "IPv6SecondaryAllocCIDRs"),
            IPv4HealthIp = o.String("IPv4HealthIP"),
            IPv6HealthIp = o.String("IPv6HealthIP"),
            IPv4IngressIp = o.String("IPv4IngressIP"),
            IPv6IngressIp = o.String("IPv6IngressIP"),
            ClusterId = (uint)o.Unsigned("ClusterID", uint.MaxValue),
            Source = o.String("Source"),
            EncryptionKey = (byte)o.Unsigned("EncryptionKey", byte.MaxValue),
            Labels = o.StringMap("Labels"),
            Annotations = o.StringMap("Annotations"),
            WireguardPubKey = o.String("WireguardPubKey"),
            BootId = o.String("BootID"),
        };
    }

    private static void WriteCidr(GoJsonWriter w, IPNetwork? cidr)
    {
        if (cidr is not { } network)
        {
            w.Null();
            return;
        }
        w.StartObject()
            .Name("IP").Address(network.BaseAddress)
            .Name("Mask").Bytes(IpMask.ToBytes(network.PrefixLength, network.BaseAddress.AddressFamily))
            .EndObject();
    }

    private static void WriteCidrs(GoJsonWriter w, IReadOnlyList<IPNetwork>? cidrs)
    {
        if (cidrs is null)
        {
            w.Null();
            return;
        }
        w.StartArray();
        foreach (var cidr in cidrs)
        {
            WriteCidr(w, cidr);
        }
        w.EndArray();
    }

    private static IPNetwork? ReadCidr(JsonElement element, string field)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Length == 0)
                {
                    return null;
                }
                return IPNetwork.TryParse(text, out var parsed) ? parsed : throw new CiliumDecodeException(field, $"'{text}' is not a CIDR");
            case JsonValueKind.Object:
                var legacy = new GoJsonObject(element, field);
                var ip = IpMask.ParseIp(legacy.String("IP"), legacy.FieldPath("IP")) ?? throw new CiliumDecodeException(legacy.FieldPath("IP"), "missing");
                var maskText = legacy.String("Mask");
                byte[] mask;
                try
                {
                    mask = Convert.FromBase64String(maskText);
                }
                catch (FormatException)
                {
                    throw new CiliumDecodeException(legacy.FieldPath("Mask"), "not base64");
                }
                var length = IpMask.PrefixLength(mask) ?? throw new CiliumDecodeException(legacy.FieldPath("Mask"), "not a contiguous mask");
                try
                {
                    return new IPNetwork(ip, length);
                }
                catch (ArgumentException e)
                {
                    throw new CiliumDecodeException(field, e.Message);
                }
            default:
                throw new CiliumDecodeException(field, $"expected a CIDR string or object, got {element.ValueKind}");
        }
    }

    private static List<IPNetwork>? ReadCidrs(GoJsonObject o, string field)
    {
        if (o.Array(field) is not { } array)
        {
            return null;
        }
        var cidrs = new List<IPNetwork>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            cidrs.Add(ReadCidr(array[i], $"{field}[{i}]") ?? throw new CiliumDecodeException($"{field}[{i}]", "null CIDR in list"));
        }
        return cidrs;
    }
}
