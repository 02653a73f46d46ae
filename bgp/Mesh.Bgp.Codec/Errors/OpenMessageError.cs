namespace Mesh.Bgp.Codec.Errors;

/// <summary>Subcodes of <see cref="BgpErrorCode.OpenMessageError"/> (RFC 4271 §6.2, RFC 5492 §5).</summary>
public enum OpenMessageError : byte
{
    Unspecific = 0,
    UnsupportedVersionNumber = 1,
    BadPeerAs = 2,
    BadBgpIdentifier = 3,
    UnsupportedOptionalParameter = 4,
    UnacceptableHoldTime = 6,
    UnsupportedCapability = 7,
}
