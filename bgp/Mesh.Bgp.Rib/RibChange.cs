using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib;

/// <summary>A Loc-RIB change: the prefix's new attributes, or null when it was withdrawn.</summary>
public readonly record struct RibChange(Prefix Prefix, PathAttributes? Attributes)
{
    public bool IsWithdrawal => Attributes is null;
}
