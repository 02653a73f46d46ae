namespace Mesh.Bgp.Codec.Attributes;

/// <summary>An EXTENDED COMMUNITIES value (RFC 4360) kept as its opaque 8 octets, big-endian.</summary>
public readonly record struct ExtendedCommunity(ulong Value)
{
    public override string ToString() => $"0x{Value:x16}";
}
