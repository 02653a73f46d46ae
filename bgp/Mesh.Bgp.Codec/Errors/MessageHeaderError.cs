namespace Mesh.Bgp.Codec.Errors;

/// <summary>Subcodes of <see cref="BgpErrorCode.MessageHeaderError"/> (RFC 4271 §6.1).</summary>
public enum MessageHeaderError : byte
{
    ConnectionNotSynchronized = 1,
    BadMessageLength = 2,
    BadMessageType = 3,
}
