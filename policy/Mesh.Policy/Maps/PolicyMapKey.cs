using System.Globalization;

namespace Mesh.Policy.Maps;

/// <summary>
/// A policy-map key as the datapath sees it (spec §3.3, §3.7): peer identity (0 = any), direction, protocol
/// (0 = any, then the port is any too) and a port with a prefix length (16 exact, 0 any). The port is masked to
/// its prefix.
/// </summary>
public readonly record struct PolicyMapKey
{
    /// <summary>Identity and direction bits, always matched exactly.</summary>
    public const int StaticPrefixBits = 40;

    public PolicyMapKey(uint identity, TrafficDirection direction, byte protocol, ushort port, int portPrefixLength)
    {
        if ((uint)portPrefixLength > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(portPrefixLength), portPrefixLength, "must be 0..16");
        }
        if (protocol == 0 && (port != 0 || portPrefixLength != 0))
        {
            throw new ArgumentException("a key with any protocol must also have any port", nameof(protocol));
        }
        Identity = identity;
        Direction = direction;
        Protocol = protocol;
        PortPrefixLength = (byte)portPrefixLength;
        Port = portPrefixLength == 0 ? (ushort)0 : (ushort)(port & (0xFFFF << (16 - portPrefixLength)));
    }

    public uint Identity { get; }

    public TrafficDirection Direction { get; }

    public byte Protocol { get; }

    public ushort Port { get; }

    public byte PortPrefixLength { get; }

    /// <summary>The kernel LPM prefix length: 40, 48 or 49-64.</summary>
    public int PrefixLength => StaticPrefixBits + LpmPrefixLength;

    /// <summary>Protocol and port prefix bits (0-24), stored in the entry.</summary>
    public int LpmPrefixLength => (Protocol != 0 ? 8 : 0) + PortPrefixLength;

    /// <summary>The last port this key covers.</summary>
    public ushort LastPort => PortPrefixLength == 0 ? ushort.MaxValue : (ushort)(Port | (0xFFFF >> PortPrefixLength));

    /// <summary><c>(65600, ingress, 6, 8080/12)</c>, the notation of the spec's vectors.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({Identity}, {(Direction == TrafficDirection.Ingress ? "ingress" : "egress")}, {Protocol}, {Port}/{PortPrefixLength})");
}
