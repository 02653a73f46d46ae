using System.Buffers.Binary;
using System.Net;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>MP_REACH_NLRI / MP_UNREACH_NLRI values (RFC 4760 §3-§4, RFC 2545 §3 for IPv6 next hops).</summary>
internal static class MpNlriCodec
{
    public static bool TryReadReach(ReadOnlySpan<byte> value, out MpReachNlri? reach, out string reason)
    {
        reach = null;
        if (value.Length < 5)
        {
            reason = "MP_REACH_NLRI shorter than 5 octets";
            return false;
        }

        var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(value), (Safi)value[2]);
        if (!family.IsSupported)
        {
            reason = $"MP_REACH_NLRI for unsupported family {family}";
            return false;
        }

        int nextHopLength = value[3];
        if (4 + nextHopLength + 1 > value.Length)
        {
            reason = "MP_REACH_NLRI next hop overruns the attribute";
            return false;
        }

        var nextHopBytes = value.Slice(4, nextHopLength);
        IPAddress nextHop;
        IPAddress? linkLocal = null;
        switch (nextHopLength)
        {
            // IPv4 next hop only for IPv4 NLRI; 16/32 for IPv6 NLRI and for IPv4 NLRI with an IPv6 next hop (RFC 8950).
            case 4 when family.Afi == Afi.IPv4:
                nextHop = new IPAddress(nextHopBytes);
                break;
            case 16:
                nextHop = new IPAddress(nextHopBytes);
                break;
            case 32:
                nextHop = new IPAddress(nextHopBytes[..16]);
                linkLocal = new IPAddress(nextHopBytes[16..]);
                break;
            default:
                reason = $"MP_REACH_NLRI next hop length {nextHopLength} is invalid for {family}";
                return false;
        }

        // The reserved octet (formerly the SNPA count) is ignored on receipt (RFC 4760 §3).
        if (!NlriCodec.TryRead(value[(5 + nextHopLength)..], family.Afi == Afi.IPv6, out var prefixes))
        {
            reason = "MP_REACH_NLRI holds an invalid prefix";
            return false;
        }

        reach = new MpReachNlri(family, nextHop, linkLocal, prefixes);
        reason = string.Empty;
        return true;
    }

    public static bool TryReadUnreach(ReadOnlySpan<byte> value, out MpUnreachNlri? unreach, out string reason)
    {
        unreach = null;
        if (value.Length < 3)
        {
            reason = "MP_UNREACH_NLRI shorter than 3 octets";
            return false;
        }

        var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(value), (Safi)value[2]);
        if (!family.IsSupported)
        {
            reason = $"MP_UNREACH_NLRI for unsupported family {family}";
            return false;
        }

        if (!NlriCodec.TryRead(value[3..], family.Afi == Afi.IPv6, out var prefixes))
        {
            reason = "MP_UNREACH_NLRI holds an invalid prefix";
            return false;
        }

        unreach = new MpUnreachNlri(family, prefixes);
        reason = string.Empty;
        return true;
    }

    public static int MeasureReachValue(MpReachNlri reach) => 5 + reach.NextHopLength + NlriCodec.Measure(reach.Nlri.AsSpan());

    public static int MeasureReachValue(MpReachNlri reach, ReadOnlySpan<Prefix> prefixes) => 5 + reach.NextHopLength + NlriCodec.Measure(prefixes);

    /// <summary>Writes the value with <paramref name="prefixes"/> as NLRI (the packer substitutes its own batch).</summary>
    public static int WriteReachValue(Span<byte> destination, MpReachNlri reach, ReadOnlySpan<Prefix> prefixes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)reach.Family.Afi);
        destination[2] = (byte)reach.Family.Safi;
        destination[3] = (byte)reach.NextHopLength;
        var pos = 4;
        if (!reach.NextHop.TryWriteBytes(destination[pos..], out var written))
        {
            throw new ArgumentException("Next hop does not fit.", nameof(reach));
        }

        pos += written;
        if (reach.LinkLocalNextHop is not null && reach.NextHopLength == 32)
        {
            reach.LinkLocalNextHop.TryWriteBytes(destination[pos..], out written);
            pos += written;
        }

        destination[pos++] = 0;
        return pos + NlriCodec.Write(destination[pos..], prefixes);
    }

    public static int MeasureUnreachValue(ReadOnlySpan<Prefix> prefixes) => 3 + NlriCodec.Measure(prefixes);

    public static int WriteUnreachValue(Span<byte> destination, AfiSafi family, ReadOnlySpan<Prefix> prefixes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)family.Afi);
        destination[2] = (byte)family.Safi;
        return 3 + NlriCodec.Write(destination[3..], prefixes);
    }
}
