using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>
/// The OPEN checks that need configuration (RFC 4271 §6.2, RFC 6286 §2.2, RFC 5492 §5); the codec already
/// rejected what is invalid for any session (version, hold time 1-2, AS 0, identifier 0).
/// </summary>
public static class OpenMessageValidator
{
    public static bool TryValidate(OpenMessage peer, OpenExpectations expected, out BgpDecodeError? error)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(expected);
        error = null;
        if (expected.PeerAsn != 0 && peer.Asn != expected.PeerAsn)
        {
            error = BgpDecodeError.BadPeerAs(peer.Asn);
            return false;
        }

        // RFC 6286 §2.2: identifiers must be unique within an AS, so an internal peer may not share ours.
        if (peer.Asn == expected.LocalAsn && peer.BgpIdentifier == expected.LocalBgpIdentifier)
        {
            error = BgpDecodeError.BadBgpIdentifier(peer.BgpIdentifier);
            return false;
        }

        List<BgpCapability>? missing = null;
        foreach (var required in expected.RequiredCapabilities)
        {
            if (!Offers(peer, required))
            {
                (missing ??= []).Add(required);
            }
        }

        if (missing is null)
        {
            return true;
        }

        // RFC 5492 §5: the data lists the capabilities (code, length, value) that the peer lacks.
        var length = 0;
        foreach (var capability in missing)
        {
            length += CapabilityCodec.Measure(capability);
        }

        var data = new byte[length];
        var pos = 0;
        foreach (var capability in missing)
        {
            pos += CapabilityCodec.Write(capability, data.AsSpan(pos));
        }

        error = BgpDecodeError.UnsupportedCapability(data, $"peer lacks {missing.Count} required capabilities");
        return false;
    }

    private static bool Offers(OpenMessage peer, BgpCapability required)
    {
        foreach (var offered in peer.Capabilities)
        {
            if (required is MultiprotocolCapability ? offered == required : offered.Code == required.Code)
            {
                return true;
            }
        }

        return false;
    }
}
