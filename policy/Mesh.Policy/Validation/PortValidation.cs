using System.Globalization;
using Mesh.Kubernetes.Objects;
using Mesh.Policy.Rules;

namespace Mesh.Policy.Validation;

/// <summary>Checks and converts ports, protocols and ICMP types (spec §1.3, §3.4); errors name the field.</summary>
internal static class PortValidation
{
    /// <summary>Cilium's limit on ports (and ICMP fields) in one <c>toPorts</c> (or <c>icmps</c>) item.</summary>
    public const int MaxPortsPerRule = 40;

    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte IcmpV6 = 58;
    public const byte Sctp = 132;

    private static readonly byte[] AnyProtocols = [Tcp, Udp, Sctp];

    private static readonly Dictionary<string, byte> Icmp4Types = new(StringComparer.Ordinal)
    {
        ["EchoReply"] = 0, ["DestinationUnreachable"] = 3, ["Redirect"] = 5, ["Echo"] = 8, ["EchoRequest"] = 8,
        ["RouterAdvertisement"] = 9, ["RouterSelection"] = 10, ["TimeExceeded"] = 11, ["ParameterProblem"] = 12,
        ["Timestamp"] = 13, ["TimestampReply"] = 14, ["Photuris"] = 40, ["ExtendedEchoRequest"] = 42, ["ExtendedEchoReply"] = 43,
    };

    private static readonly Dictionary<string, byte> Icmp6Types = new(StringComparer.Ordinal)
    {
        ["DestinationUnreachable"] = 1, ["PacketTooBig"] = 2, ["TimeExceeded"] = 3, ["ParameterProblem"] = 4,
        ["EchoRequest"] = 128, ["EchoReply"] = 129, ["MulticastListenerQuery"] = 130, ["MulticastListenerReport"] = 131,
        ["MulticastListenerDone"] = 132, ["RouterSolicitation"] = 133, ["RouterAdvertisement"] = 134,
        ["NeighborSolicitation"] = 135, ["NeighborAdvertisement"] = 136, ["RedirectMessage"] = 137,
        ["ExtendedEchoRequest"] = 160, ["ExtendedEchoReply"] = 161,
    };

    /// <summary>The protocol numbers a protocol name stands for (ANY or empty: TCP, UDP and SCTP); null if unknown.</summary>
    public static byte[]? Protocols(string protocol, bool emptyIsAny) => protocol.ToUpperInvariant() switch
    {
        "TCP" => [Tcp],
        "UDP" => [Udp],
        "SCTP" => [Sctp],
        "ANY" => AnyProtocols,
        "" => emptyIsAny ? AnyProtocols : [Tcp],
        _ => null,
    };

    /// <summary>One port of a Cilium <c>toPorts</c> item, expanded over its protocols into <paramref name="output"/>.</summary>
    public static void Cilium(PortProtocolSpec spec, string field, ErrorCollector errors, List<PortProtocol> output)
    {
        var protocols = Protocols(spec.Protocol, emptyIsAny: true);
        if (protocols is null)
        {
            errors.Add($"{field}.protocol", $"'{spec.Protocol}' is not TCP, UDP, SCTP or ANY");
        }
        if (TryPort(spec.Port, spec.EndPort, field, errors, allowZero: true, out var port, out var end, out var name) && protocols is not null)
        {
            foreach (var protocol in protocols)
            {
                output.Add(new PortProtocol(protocol, port, end, name));
            }
        }
    }

    /// <summary>
    /// A port number (0 = every port), a port name, and an optional range end. A range must not start at 0 unless
    /// it covers every port; an end at or below the port is a single port.
    /// </summary>
    public static bool TryPort(string text, long? endPort, string field, ErrorCollector errors, bool allowZero, out ushort port, out ushort end, out string? name)
    {
        port = 0;
        end = 0;
        name = null;
        if (text.Length == 0)
        {
            return ValidEnd(0, endPort, field, errors, out end);
        }
        if (text.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535 || (number == 0 && !allowZero))
            {
                errors.Add($"{field}.port", $"{text} is outside {(allowZero ? 0 : 1)}..65535");
                return false;
            }
            port = (ushort)number;
            return ValidEnd(port, endPort, field, errors, out end);
        }
        var lower = text.ToLowerInvariant();
        if (!IsPortName(lower))
        {
            errors.Add($"{field}.port", $"'{text}' is neither a port number nor a port name");
            return false;
        }
        name = lower;
        return true;
    }

    /// <summary>An <c>icmps[].fields[]</c> item as a filter on the ICMP or ICMPv6 type (carried in the port field).</summary>
    public static void IcmpField(IcmpFieldSpec spec, string field, ErrorCollector errors, List<PortProtocol> output)
    {
        var family = spec.Family.Length == 0 ? "IPv4" : spec.Family;
        Dictionary<string, byte> names;
        byte protocol;
        if (family == "IPv4")
        {
            names = Icmp4Types;
            protocol = Icmp;
        }
        else if (family == "IPv6")
        {
            names = Icmp6Types;
            protocol = IcmpV6;
        }
        else
        {
            errors.Add($"{field}.family", $"'{spec.Family}' is not IPv4 or IPv6");
            return;
        }
        if (byte.TryParse(spec.Type, NumberStyles.None, CultureInfo.InvariantCulture, out var type) || names.TryGetValue(spec.Type, out type))
        {
            output.Add(new PortProtocol(protocol, type, 0));
            return;
        }
        errors.Add($"{field}.type", $"'{spec.Type}' is not an {family} ICMP type (0-255 or a type name)");
    }

    /// <summary>An IANA service name: 1-15 of [a-z0-9-], with a letter, no leading, trailing or double '-'.</summary>
    public static bool IsPortName(string name) =>
        name.Length is >= 1 and <= 15
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name.Any(char.IsAsciiLetterLower)
        && !name.StartsWith('-') && !name.EndsWith('-')
        && !name.Contains("--", StringComparison.Ordinal);

    private static bool ValidEnd(ushort port, long? endPort, string field, ErrorCollector errors, out ushort end)
    {
        end = 0;
        if (endPort is not { } e)
        {
            return true;
        }
        if (e is < 0 or > 65535)
        {
            errors.Add($"{field}.endPort", $"{e} is outside 0..65535");
            return false;
        }
        if (port == 0 && e is > 0 and < 65535)
        {
            errors.Add($"{field}.endPort", $"a port range must not start at port 0 (0-{e}); use port 0 without endPort for every port");
            return false;
        }
        end = e > port ? (ushort)e : (ushort)0;
        return true;
    }
}
