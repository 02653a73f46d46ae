using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>One entry of the malformed corpus: input bytes and the exact error the RFCs prescribe.</summary>
public sealed record MalformedCase(
    string Name,
    byte[] Input,
    BgpCodecContext Context,
    BgpErrorCode Code,
    byte Subcode,
    string DataHex,
    BgpErrorAction Action)
{
    public override string ToString() => Name;
}
