namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>Service entry scope: external (also the only scope of most services) or internal (two-scope services).</summary>
public enum LbScope : byte
{
    External = 0,
    Internal = 1,
}
