using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>
/// OPEN (RFC 4271 §4.2) with its Capabilities optional parameters (RFC 5492) flattened into one list.
/// <see cref="MyAs"/> is the 2-octet field; <see cref="Asn"/> is the real AS (RFC 6793).
/// </summary>
public sealed record OpenMessage(byte Version, ushort MyAs, ushort HoldTime, uint BgpIdentifier, ValueArray<BgpCapability> Capabilities) : BgpMessage
{
    public override BgpMessageType Type => BgpMessageType.Open;

    /// <summary>The 4-octet AS from the capability when present, else My AS.</summary>
    public uint Asn => Find<FourOctetAsnCapability>()?.Asn ?? MyAs;

    /// <summary>
    /// Builds a version-4 OPEN that announces <paramref name="asn"/> in a 4-octet ASN capability and puts
    /// AS_TRANS in My AS when the AS does not fit 2 octets (RFC 6793 §4.1).
    /// </summary>
    public static OpenMessage Create(uint asn, ushort holdTime, uint bgpIdentifier, params BgpCapability[] capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var list = new List<BgpCapability>(capabilities.Length + 1);
        list.AddRange(capabilities);
        if (!list.Exists(c => c is FourOctetAsnCapability))
        {
            list.Add(new FourOctetAsnCapability(asn));
        }

        var myAs = asn > ushort.MaxValue ? BgpConstants.AsTrans : (ushort)asn;
        return new OpenMessage(BgpConstants.Version, myAs, holdTime, bgpIdentifier, list.ToArray());
    }

    public T? Find<T>()
        where T : BgpCapability
    {
        foreach (var capability in Capabilities)
        {
            if (capability is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the speaker announced <paramref name="family"/>; without any MP capability only IPv4 unicast
    /// is implied (RFC 4760 §8 keeps plain RFC 4271 behaviour for such peers).
    /// </summary>
    public bool Supports(AfiSafi family)
    {
        var anyMultiprotocol = false;
        foreach (var capability in Capabilities)
        {
            if (capability is MultiprotocolCapability mp)
            {
                if (mp.Family == family)
                {
                    return true;
                }

                anyMultiprotocol = true;
            }
        }

        return !anyMultiprotocol && family == AfiSafi.IPv4Unicast;
    }

    public bool Has(CapabilityCode code)
    {
        foreach (var capability in Capabilities)
        {
            if (capability.Code == code)
            {
                return true;
            }
        }

        return false;
    }
}
