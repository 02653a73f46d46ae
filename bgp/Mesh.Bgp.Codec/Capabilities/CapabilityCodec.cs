using System.Buffers.Binary;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>Encodes and decodes single capabilities (code, length, value) inside an OPEN optional parameter.</summary>
internal static class CapabilityCodec
{
    /// <summary>Decodes one capability value; a recognised but malformed value is OPEN error 2/0 (RFC 4271 §6.2).</summary>
    public static bool TryRead(byte code, ReadOnlySpan<byte> value, out BgpCapability? capability, out BgpDecodeError? error)
    {
        capability = null;
        error = null;
        switch ((CapabilityCode)code)
        {
            case CapabilityCode.Multiprotocol:
                if (value.Length != 4)
                {
                    break;
                }

                capability = new MultiprotocolCapability(new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(value), (Safi)value[3]));
                return true;
            case CapabilityCode.RouteRefresh:
                capability = value.IsEmpty ? new RouteRefreshCapability() : null;
                break;
            case CapabilityCode.EnhancedRouteRefresh:
                capability = value.IsEmpty ? new EnhancedRouteRefreshCapability() : null;
                break;
            case CapabilityCode.ExtendedMessage:
                capability = value.IsEmpty ? new ExtendedMessageCapability() : null;
                break;
            case CapabilityCode.FourOctetAsn:
                capability = value.Length == 4 ? new FourOctetAsnCapability(BinaryPrimitives.ReadUInt32BigEndian(value)) : null;
                break;
            case CapabilityCode.GracefulRestart:
                capability = ReadGracefulRestart(value);
                break;
            default:
                capability = new UnknownCapability(code, value.ToArray());
                return true;
        }

        if (capability is null)
        {
            error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, $"malformed capability {code} with length {value.Length}");
            return false;
        }

        return true;
    }

    private static GracefulRestartCapability? ReadGracefulRestart(ReadOnlySpan<byte> value)
    {
        if (value.Length < 2 || (value.Length - 2) % 4 != 0)
        {
            return null;
        }

        var header = BinaryPrimitives.ReadUInt16BigEndian(value);
        var families = new GracefulRestartFamily[(value.Length - 2) / 4];
        for (var i = 0; i < families.Length; i++)
        {
            var tuple = value.Slice(2 + (i * 4), 4);
            var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(tuple), (Safi)tuple[2]);
            families[i] = new GracefulRestartFamily(family, (tuple[3] & 0x80) != 0);
        }

        return new GracefulRestartCapability(
            Restarting: (header & 0x8000) != 0,
            NotificationSupport: (header & 0x4000) != 0,
            RestartTimeSeconds: (ushort)(header & 0x0FFF),
            families);
    }

    /// <summary>Encoded size including the 2-byte code/length header.</summary>
    public static int Measure(BgpCapability capability) => 2 + ValueLength(capability);

    private static int ValueLength(BgpCapability capability) => capability switch
    {
        MultiprotocolCapability or FourOctetAsnCapability => 4,
        GracefulRestartCapability gr => 2 + (4 * gr.Families.Count),
        UnknownCapability unknown => unknown.Value.Count,
        _ => 0,
    };

    public static int Write(BgpCapability capability, Span<byte> destination)
    {
        var length = ValueLength(capability);
        if (length > byte.MaxValue)
        {
            throw new ArgumentException($"Capability {capability.Code} value of {length} bytes does not fit in one octet length.", nameof(capability));
        }

        destination[0] = capability is UnknownCapability u ? u.CodeValue : (byte)capability.Code;
        destination[1] = (byte)length;
        var value = destination.Slice(2, length);
        switch (capability)
        {
            case MultiprotocolCapability mp:
                BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)mp.Family.Afi);
                value[2] = 0;
                value[3] = (byte)mp.Family.Safi;
                break;
            case FourOctetAsnCapability asn:
                BinaryPrimitives.WriteUInt32BigEndian(value, asn.Asn);
                break;
            case GracefulRestartCapability gr:
                var header = (ushort)((gr.Restarting ? 0x8000 : 0) | (gr.NotificationSupport ? 0x4000 : 0) | (gr.RestartTimeSeconds & 0x0FFF));
                BinaryPrimitives.WriteUInt16BigEndian(value, header);
                for (var i = 0; i < gr.Families.Count; i++)
                {
                    var tuple = value.Slice(2 + (i * 4), 4);
                    var f = gr.Families[i];
                    BinaryPrimitives.WriteUInt16BigEndian(tuple, (ushort)f.Family.Afi);
                    tuple[2] = (byte)f.Family.Safi;
                    tuple[3] = f.ForwardingPreserved ? (byte)0x80 : (byte)0;
                }

                break;
            case UnknownCapability unknown:
                unknown.Value.AsSpan().CopyTo(value);
                break;
        }

        return 2 + length;
    }
}
