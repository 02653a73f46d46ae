using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Codec;

/// <summary>
/// What the session negotiated and that changes the wire format: 4-octet AS numbers (RFC 6793) select
/// the AS_PATH/AGGREGATOR encoding, the extended message capability (RFC 8654) raises the 4096-byte limit.
/// </summary>
public readonly record struct BgpCodecContext(bool FourOctetAsn, bool ExtendedMessage = false, bool Ibgp = false)
{
    /// <summary>Before capabilities are exchanged (OPEN, and the default for tests).</summary>
    public static BgpCodecContext Initial => new(FourOctetAsn: false);

    /// <summary>A modern session: 4-octet ASN, no extended messages, eBGP.</summary>
    public static BgpCodecContext Default => new(FourOctetAsn: true);

    /// <summary>
    /// The context after the OPEN exchange: a feature applies only when both sides announced it
    /// (RFC 6793 §4, RFC 8654 §3); internal when both OPENs carry the same AS.
    /// </summary>
    public static BgpCodecContext Negotiate(OpenMessage local, OpenMessage remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        return new BgpCodecContext(
            FourOctetAsn: local.Has(CapabilityCode.FourOctetAsn) && remote.Has(CapabilityCode.FourOctetAsn),
            ExtendedMessage: local.Has(CapabilityCode.ExtendedMessage) && remote.Has(CapabilityCode.ExtendedMessage),
            Ibgp: local.Asn == remote.Asn);
    }

    public int MaxMessageLength => ExtendedMessage ? BgpConstants.MaxExtendedMessageLength : BgpConstants.MaxMessageLength;
}
