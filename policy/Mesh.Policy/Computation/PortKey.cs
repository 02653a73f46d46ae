namespace Mesh.Policy.Computation;

/// <summary>The protocol/port part of a map key: protocol (0 any), port masked to its prefix (0-16 bits).</summary>
internal readonly record struct PortKey(byte Protocol, ushort Port, byte Prefix)
{
    /// <summary>Any protocol, any port: the key of an L3-only rule.</summary>
    public static PortKey Any => default;

    /// <summary>True when this key's traffic includes all of <paramref name="other"/>'s (broader or equal).</summary>
    public bool Covers(PortKey other)
    {
        if (Protocol == 0)
        {
            return true;
        }
        if (Protocol != other.Protocol || Prefix > other.Prefix)
        {
            return false;
        }
        return Prefix == 0 || (other.Port & (0xFFFF << (16 - Prefix)) & 0xFFFF) == Port;
    }
}
