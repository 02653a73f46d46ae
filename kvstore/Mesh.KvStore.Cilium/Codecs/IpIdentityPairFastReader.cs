using System.Text.Json;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>
/// A single forward pass over an ipcache value as Cilium writes it (exact field names, each once, no odd types):
/// the bootstrap of 250k remote endpoints decodes every value, and a document tree per value dominated that.
/// Anything else — other casing, duplicates, unknown fields, nulls where Go would still accept them, any error —
/// answers null, and the caller decodes with Go's full rules, which also name the offending field.
/// </summary>
internal static class IpIdentityPairFastReader
{
    public static IpIdentityPair? TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            return Read(json);
        }
        catch (Exception e) when (e is JsonException or CiliumDecodeException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IpIdentityPair? Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        string ip = string.Empty, hostIp = string.Empty, metadata = string.Empty, ns = string.Empty, pod = string.Empty, account = string.Empty;
        int? prefix = null;
        ulong id = 0, key = 0;
        List<NamedPort>? ports = null;
        var seen = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                // Nothing may follow the object.
                return reader.Read() ? null : new IpIdentityPair
                {
                    Ip = IpMask.ParseIp(ip, "IP"),
                    PrefixLength = prefix,
                    HostIp = IpMask.ParseIp(hostIp, "HostIP"),
                    Id = (uint)id,
                    Key = (byte)key,
                    Metadata = metadata,
                    K8sNamespace = ns,
                    K8sPodName = pod,
                    K8sServiceAccount = account,
                    NamedPorts = ports,
                };
            }
            var field = Field(ref reader);
            if (field < 0 || (seen & (1 << field)) != 0 || !reader.Read())
            {
                return null;
            }
            seen |= 1 << field;
            switch (field)
            {
                case 0:
                    ip = Text(ref reader);
                    break;
                case 1:
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        prefix = IpMask.PrefixLength(reader.GetBytesFromBase64());
                        if (prefix is null)
                        {
                            return null;
                        }
                    }
                    break;
                case 2:
                    hostIp = Text(ref reader);
                    break;
                case 3:
                    id = Number(ref reader, uint.MaxValue);
                    break;
                case 4:
                    key = Number(ref reader, byte.MaxValue);
                    break;
                case 5:
                    metadata = Text(ref reader);
                    break;
                case 6:
                    ns = Text(ref reader);
                    break;
                case 7:
                    pod = Text(ref reader);
                    break;
                case 8:
                    account = Text(ref reader);
                    break;
                case 9:
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        ports = Ports(ref reader);
                        if (ports is null)
                        {
                            return null;
                        }
                    }
                    break;
            }
        }
        return null;
    }

    private static int Field(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            return -1;
        }
        return reader.ValueTextEquals("IP"u8) ? 0
            : reader.ValueTextEquals("Mask"u8) ? 1
            : reader.ValueTextEquals("HostIP"u8) ? 2
            : reader.ValueTextEquals("ID"u8) ? 3
            : reader.ValueTextEquals("Key"u8) ? 4
            : reader.ValueTextEquals("Metadata"u8) ? 5
            : reader.ValueTextEquals("K8sNamespace"u8) ? 6
            : reader.ValueTextEquals("K8sPodName"u8) ? 7
            : reader.ValueTextEquals("K8sServiceAccount"u8) ? 8
            : reader.ValueTextEquals("NamedPorts"u8) ? 9
            : -1;
    }

    private static string Text(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String
        ? reader.GetString()!
        : throw new InvalidOperationException("not a string");

    private static ulong Number(ref Utf8JsonReader reader, ulong max) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var value) && value <= max
            ? value
            : throw new InvalidOperationException("not an unsigned number in range");

    private static List<NamedPort>? Ports(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }
        var ports = new List<NamedPort>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            string name = string.Empty, protocol = string.Empty;
            ulong port = 0;
            var seen = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var field = reader.TokenType != JsonTokenType.PropertyName ? -1
                    : reader.ValueTextEquals("Name"u8) ? 0
                    : reader.ValueTextEquals("Port"u8) ? 1
                    : reader.ValueTextEquals("Protocol"u8) ? 2
                    : -1;
                if (field < 0 || (seen & (1 << field)) != 0 || !reader.Read())
                {
                    return null;
                }
                seen |= 1 << field;
                switch (field)
                {
                    case 0:
                        name = Text(ref reader);
                        break;
                    case 1:
                        port = Number(ref reader, ushort.MaxValue);
                        break;
                    default:
                        protocol = Text(ref reader);
                        break;
                }
            }
            ports.Add(new NamedPort(name, (ushort)port, protocol));
        }
        return ports;
    }
}
