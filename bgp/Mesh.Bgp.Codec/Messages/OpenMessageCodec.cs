using System.Buffers.Binary;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>OPEN body (RFC 4271 §4.2, RFC 5492 §4 capabilities in optional parameter type 2).</summary>
internal static class OpenMessageCodec
{
    private const byte CapabilitiesParameter = 2;
    private const byte ExtendedParametersMarker = 255;

    public static bool TryRead(ReadOnlySpan<byte> body, out BgpMessage? message, out BgpDecodeError? error)
    {
        message = null;
        var version = body[0];
        if (version != BgpConstants.Version)
        {
            error = BgpDecodeError.UnsupportedVersion(version);
            return false;
        }

        var myAs = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        var holdTime = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        var identifier = BinaryPrimitives.ReadUInt32BigEndian(body[5..]);
        // RFC 9072 §2: Non-Ext OP Len and Non-Ext OP Type both 255 announce 2-octet parameter lengths.
        var extended = body[9] == byte.MaxValue && body.Length > 10 && body[10] == ExtendedParametersMarker;
        var lengthSize = extended ? 2 : 1;
        if (extended && body.Length < 13)
        {
            error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, "extended optional parameters length is truncated");
            return false;
        }

        int parametersLength = extended ? BinaryPrimitives.ReadUInt16BigEndian(body[11..]) : body[9];
        var parameters = body[(extended ? 13 : 10)..];
        if (parametersLength != parameters.Length)
        {
            error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, $"optional parameters length {parametersLength} does not match the {parameters.Length} octets present");
            return false;
        }

        var capabilities = new List<BgpCapability>();
        for (var pos = 0; pos < parameters.Length;)
        {
            if (parameters.Length - pos < 1 + lengthSize)
            {
                error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, "optional parameter header is truncated");
                return false;
            }

            var type = parameters[pos];
            int length = extended ? BinaryPrimitives.ReadUInt16BigEndian(parameters[(pos + 1)..]) : parameters[pos + 1];
            pos += 1 + lengthSize;
            if (pos + length > parameters.Length)
            {
                error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, "optional parameter overruns the OPEN");
                return false;
            }

            var value = parameters.Slice(pos, length);
            pos += length;
            if (type != CapabilitiesParameter)
            {
                error = BgpDecodeError.Open(OpenMessageError.UnsupportedOptionalParameter, default, $"unsupported optional parameter {type}");
                return false;
            }

            for (var c = 0; c < value.Length;)
            {
                if (value.Length - c < 2 || c + 2 + value[c + 1] > value.Length)
                {
                    error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, "capability overruns its optional parameter");
                    return false;
                }

                if (!CapabilityCodec.TryRead(value[c], value.Slice(c + 2, value[c + 1]), out var capability, out error))
                {
                    return false;
                }

                capabilities.Add(capability!);
                c += 2 + value[c + 1];
            }
        }

        var open = new OpenMessage(version, myAs, holdTime, identifier, capabilities.ToArray());

        // RFC 4271 §6.2: My AS 0 is never valid; RFC 6793 §3: neither is a 4-octet AS of 0.
        if (myAs == 0 || open.Asn == 0)
        {
            error = BgpDecodeError.BadPeerAs(open.Asn);
            return false;
        }

        // RFC 4271 §6.2: hold time must be zero or at least three seconds.
        if (holdTime is 1 or 2)
        {
            error = BgpDecodeError.UnacceptableHoldTime(holdTime);
            return false;
        }

        // RFC 6286 §2.2: the BGP Identifier is a non-zero 4-octet value.
        if (identifier == 0)
        {
            error = BgpDecodeError.BadBgpIdentifier(identifier);
            return false;
        }

        message = open;
        error = null;
        return true;
    }

    /// <summary>
    /// Capabilities go into as few type-2 parameters as fit their 255-octet length; when all parameters
    /// exceed 255 octets the RFC 9072 extended format carries them in one parameter with a 2-octet length.
    /// </summary>
    public static int MeasureBody(OpenMessage open)
    {
        var standard = StandardParametersLength(open, out var capabilities);
        return standard <= byte.MaxValue ? 10 + standard : 10 + 3 + 3 + capabilities;
    }

    private static int StandardParametersLength(OpenMessage open, out int capabilities)
    {
        var length = 0;
        var parameter = 0;
        capabilities = 0;
        foreach (var capability in open.Capabilities)
        {
            var size = CapabilityCodec.Measure(capability);
            if (parameter == 0 || parameter + size > byte.MaxValue)
            {
                length += 2;
                parameter = 0;
            }

            parameter += size;
            length += size;
            capabilities += size;
        }

        return length;
    }

    public static int WriteBody(Span<byte> destination, OpenMessage open)
    {
        destination[0] = open.Version;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], open.MyAs);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], open.HoldTime);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], open.BgpIdentifier);
        var standard = StandardParametersLength(open, out var capabilities);
        if (standard > byte.MaxValue)
        {
            destination[9] = byte.MaxValue;
            destination[10] = ExtendedParametersMarker;
            BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)(3 + capabilities));
            destination[13] = CapabilitiesParameter;
            BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)capabilities);
            var at = 16;
            foreach (var capability in open.Capabilities)
            {
                at += CapabilityCodec.Write(capability, destination[at..]);
            }

            return at;
        }

        destination[9] = (byte)standard;
        var pos = 10;
        var parameterStart = -1;
        foreach (var capability in open.Capabilities)
        {
            var size = CapabilityCodec.Measure(capability);
            if (parameterStart < 0 || destination[parameterStart + 1] + size > byte.MaxValue)
            {
                parameterStart = pos;
                destination[pos++] = CapabilitiesParameter;
                destination[pos++] = 0;
            }

            pos += CapabilityCodec.Write(capability, destination[pos..]);
            destination[parameterStart + 1] += (byte)size;
        }

        return pos;
    }
}
