namespace Mesh.Bgp.Codec.Nlri;

/// <summary>An address family as negotiated by MP-BGP (RFC 4760).</summary>
public readonly record struct AfiSafi(Afi Afi, Safi Safi)
{
    public static AfiSafi IPv4Unicast => new(Afi.IPv4, Safi.Unicast);

    public static AfiSafi IPv6Unicast => new(Afi.IPv6, Safi.Unicast);

    /// <summary>The families whose NLRI this codec can parse.</summary>
    public bool IsSupported => Safi == Safi.Unicast && Afi is Afi.IPv4 or Afi.IPv6;

    public override string ToString() => (Afi, Safi) switch
    {
        (Afi.IPv4, Safi.Unicast) => "ipv4-unicast",
        (Afi.IPv6, Safi.Unicast) => "ipv6-unicast",
        _ => $"afi{(ushort)Afi}-safi{(byte)Safi}",
    };
}
