namespace Mesh.Policy.Maps;

/// <summary>A key of an endpoint's policy map to write (<see cref="Entry"/> set) or delete (<see cref="Entry"/> null).</summary>
public readonly record struct PolicyMapChange(ushort EndpointId, PolicyMapKey Key, PolicyMapEntry? Entry)
{
    public bool IsDelete => Entry is null;
}
