using System.Globalization;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// LPM key of <c>cilium_policy_v2_&lt;endpoint&gt;</c> (struct policy_key, 12 B): u32 prefixlen @0 (host order),
/// u32 sec_label @4 (peer identity, host order, 0 = any), u8 @8 with bit0 = egress, u8 protocol @9 (0 = any),
/// be16 dport @10. prefixlen = 40 static bits (identity and direction) + 8 when the protocol is set + the port
/// prefix length (0-16). The port is masked to its prefix so equal prefixes always encode to equal bytes.
/// </summary>
public readonly record struct PolicyKey : IBpfLayout<PolicyKey>
{
    public const int ByteSize = 12;

    /// <summary>sec_label and the direction byte: always matched exactly.</summary>
    public const int StaticPrefixBits = 40;

    /// <summary>The prefix length every datapath lookup uses.</summary>
    public const int FullPrefixBits = 64;

    /// <param name="identity">Peer security identity; 0 is any identity (an L4-only key).</param>
    /// <param name="egress">False for ingress, true for egress.</param>
    /// <param name="protocol">IANA protocol number; 0 is any protocol and then the port must be wildcarded too.</param>
    /// <param name="port">Destination port (host order here, big-endian in the map).</param>
    /// <param name="portPrefixLength">Bits of <paramref name="port"/> that must match: 16 exact, 0 any port.</param>
    public PolicyKey(uint identity, bool egress, byte protocol, ushort port, int portPrefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(portPrefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(portPrefixLength, 16);
        if (protocol == 0 && (portPrefixLength != 0 || port != 0))
        {
            throw new ArgumentException("a key with any protocol must also have any port", nameof(protocol));
        }
        Identity = identity;
        Egress = egress;
        Protocol = protocol;
        PortPrefixLength = portPrefixLength;
        Port = (ushort)(port & PortMask(portPrefixLength));
    }

    public static int Size => ByteSize;

    public uint Identity { get; }

    public bool Egress { get; }

    public byte Protocol { get; }

    /// <summary>The port, masked to <see cref="PortPrefixLength"/>.</summary>
    public ushort Port { get; }

    public int PortPrefixLength { get; }

    /// <summary>The kernel prefixlen: 40, 48 or 49-64.</summary>
    public int PrefixLength => StaticPrefixBits + (Protocol != 0 ? 8 : 0) + PortPrefixLength;

    /// <summary>A full-length (64-bit) lookup key, the shape the datapath queries.</summary>
    public static PolicyKey Lookup(uint identity, bool egress, byte protocol, ushort port) =>
        protocol == 0 ? new PolicyKey(identity, egress, 0, 0, 0) : new PolicyKey(identity, egress, protocol, port, 16);

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(PolicyKey));
        destination[..ByteSize].Clear();
        HostOrder.WriteUInt32(destination, (uint)PrefixLength);
        HostOrder.WriteUInt32(destination[4..], Identity);
        destination[8] = Egress ? (byte)1 : (byte)0;
        destination[9] = Protocol;
        HostOrder.WriteNetwork16(destination[10..], Port);
    }

    /// <summary>Decodes a stored key; the prefix length is clamped to what the protocol allows.</summary>
    public static PolicyKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(PolicyKey));
        var protocol = source[9];
        var portBits = protocol == 0 ? 0 : Math.Clamp((int)HostOrder.ReadUInt32(source) - StaticPrefixBits - 8, 0, 16);
        var port = protocol == 0 ? (ushort)0 : HostOrder.ReadNetwork16(source[10..]);
        return new PolicyKey(HostOrder.ReadUInt32(source[4..]), (source[8] & 1) != 0, protocol, port, portBits);
    }

    /// <summary>Like <c>cilium bpf policy get</c>: <c>Ingress 65600 TCP 8080/12</c>, <c>ANY</c> for wildcards.</summary>
    public override string ToString()
    {
        var direction = Egress ? "Egress" : "Ingress";
        var identity = Identity.ToString(CultureInfo.InvariantCulture);
        if (Protocol == 0)
        {
            return $"{direction} {identity} ANY ANY";
        }
        var proto = LayoutText.Proto((L4Proto)Protocol);
        return PortPrefixLength switch
        {
            0 => $"{direction} {identity} {proto} ANY",
            16 => $"{direction} {identity} {proto} {Port.ToString(CultureInfo.InvariantCulture)}",
            _ => $"{direction} {identity} {proto} {Port.ToString(CultureInfo.InvariantCulture)}/{PortPrefixLength.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    private static ushort PortMask(int prefixLength) => prefixLength == 0 ? (ushort)0 : (ushort)(0xFFFF << (16 - prefixLength));
}
