using System.Net;
using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>
/// The key of a service entry without its slot: VIP, port, protocol and scope. Port 0 with protocol
/// <see cref="L4Protocol.Any"/> is the wildcard entry that drops unknown ports of a known VIP.
/// </summary>
public sealed record LbFrontendKey(IPAddress Address, ushort Port, L4Protocol Protocol, LbScope Scope) : IComparable<LbFrontendKey>
{
    public bool IsWildcard => Port == 0 && Protocol == L4Protocol.Any;

    public bool IsIPv6 => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    public int CompareTo(LbFrontendKey? other)
    {
        if (other is null)
        {
            return 1;
        }
        var address = new L3L4Address(Address, Port, Protocol).CompareTo(new L3L4Address(other.Address, other.Port, other.Protocol));
        return address != 0 ? address : Scope.CompareTo(other.Scope);
    }

    public override string ToString() => $"{new L3L4Address(Address, Port, Protocol)}{(Scope == LbScope.Internal ? " (internal)" : string.Empty)}";

    public static bool operator <(LbFrontendKey? left, LbFrontendKey? right) => Compare(left, right) < 0;

    public static bool operator <=(LbFrontendKey? left, LbFrontendKey? right) => Compare(left, right) <= 0;

    public static bool operator >(LbFrontendKey? left, LbFrontendKey? right) => Compare(left, right) > 0;

    public static bool operator >=(LbFrontendKey? left, LbFrontendKey? right) => Compare(left, right) >= 0;

    private static int Compare(LbFrontendKey? left, LbFrontendKey? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}
