using System.Net;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>An IP address, port and protocol: a frontend or a backend.</summary>
public sealed record L3L4Address(IPAddress Address, ushort Port, L4Protocol Protocol) : IComparable<L3L4Address>
{
    public int CompareTo(L3L4Address? other)
    {
        if (other is null)
        {
            return 1;
        }
        var family = Address.AddressFamily.CompareTo(other.Address.AddressFamily);
        if (family != 0)
        {
            return family;
        }
        Span<byte> mine = stackalloc byte[16];
        Span<byte> theirs = stackalloc byte[16];
        Address.TryWriteBytes(mine, out var length);
        other.Address.TryWriteBytes(theirs, out _);
        var address = mine[..length].SequenceCompareTo(theirs[..length]);
        if (address != 0)
        {
            return address;
        }
        var port = Port.CompareTo(other.Port);
        return port != 0 ? port : Protocol.CompareTo(other.Protocol);
    }

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}/{L4Protocols.Name(Protocol)}"
        : $"{Address}:{Port}/{L4Protocols.Name(Protocol)}";

    public static bool operator <(L3L4Address? left, L3L4Address? right) => Compare(left, right) < 0;

    public static bool operator <=(L3L4Address? left, L3L4Address? right) => Compare(left, right) <= 0;

    public static bool operator >(L3L4Address? left, L3L4Address? right) => Compare(left, right) > 0;

    public static bool operator >=(L3L4Address? left, L3L4Address? right) => Compare(left, right) >= 0;

    private static int Compare(L3L4Address? left, L3L4Address? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}
