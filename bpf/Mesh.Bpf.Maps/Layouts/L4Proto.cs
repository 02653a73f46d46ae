namespace Mesh.Bpf.Maps.Layouts;

/// <summary>The u8 L4 protocol of LB keys and backends: IANA protocol numbers, as Cilium's <c>u8proto</c>.</summary>
public enum L4Proto : byte
{
    /// <summary>ANY: with port 0 the "wildcard" service entry that drops unknown ports of a known VIP.</summary>
    Any = 0,
    Icmp = 1,
    Tcp = 6,
    Udp = 17,
    IcmpV6 = 58,
    Sctp = 132,
}
