namespace Mesh.Policy.Maps;

/// <summary>
/// A policy-map value (spec §3.3): deny flag, precedence (higher wins; CNP/CCNP/KNP use only
/// <see cref="AllowPrecedence"/> and <see cref="DenyPrecedence"/>) and the key's protocol+port prefix bits.
/// </summary>
public readonly record struct PolicyMapEntry(bool Deny, uint Precedence, byte LpmPrefixLength, ushort ProxyPort = 0, uint Cookie = 0)
{
    /// <summary>((0xFFFFFF − priority 0) &lt;&lt; 8) | 1: allow without proxy redirect.</summary>
    public const uint AllowPrecedence = 0xFFFFFF01;

    /// <summary>The maximum: a priority-0 deny, which short-circuits the datapath lookup.</summary>
    public const uint DenyPrecedence = 0xFFFFFFFF;

    public static PolicyMapEntry AllowFor(in PolicyMapKey key) => new(false, AllowPrecedence, (byte)key.LpmPrefixLength);

    public static PolicyMapEntry DenyFor(in PolicyMapKey key) => new(true, DenyPrecedence, (byte)key.LpmPrefixLength);

    public override string ToString() => Deny ? "deny" : "allow";
}
