using System.Buffers.Binary;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>OPEN body (RFC 4271 §4.2, RFC 5492 §4 capabilities in optional parameter type 2).</summary>
internal static class OpenMessageCodec
{
    private const byte CapabilitiesParameter = 2;

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
        int parametersLength = body[9];
        var parameters = body[10..];
        if (parametersLength != parameters.Length)
        {
            error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, $"optional parameters length {parametersLength} does not match the {parameters.Length} octets present");
            return false;
        }

        var capabilities = new List<BgpCapability>();
        for (var pos = 0; pos < parameters.Length;)
        {
            if (parameters.Length - pos < 2 || pos + 2 + parameters[pos + 1] > parameters.Length)
            {
                error = BgpDecodeError.Open(OpenMessageError.Unspecific, default, "optional parameter overruns the OPEN");
                return false;
            }

            var type = parameters[pos];
            var value = parameters.Slice(pos + 2, parameters[pos + 1]);
            pos += 2 + value.Length;
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

    /// <summary>Capabilities go into as few type-2 parameters as fit their 255-octet length.</summary>
    public static int MeasureBody(OpenMessage open)
    {
        var length = 10;
        var parameter = 0;
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
        }

        return length;
    }

    public static int WriteBody(Span<byte> destination, OpenMessage open)
    {
        destination[0] = open.Version;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], open.MyAs);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], open.HoldTime);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], open.BgpIdentifier);
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

        var parametersLength = pos - 10;
        if (parametersLength > byte.MaxValue)
        {
            throw new ArgumentException($"Optional parameters of {parametersLength} octets exceed 255 (RFC 9072 extended parameters are not supported).", nameof(open));
        }

        destination[9] = (byte)parametersLength;
        return pos;
    }
}
