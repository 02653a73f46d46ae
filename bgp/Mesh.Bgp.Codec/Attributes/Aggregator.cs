using System.Net;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>AGGREGATOR (RFC 4271 §5.1.7): the AS (4-octet value, AS4_AGGREGATOR merged in) and the IPv4 address that aggregated.</summary>
public sealed record Aggregator(uint Asn, IPAddress Address)
{
    public override string ToString() => $"{Asn} {Address}";
}
