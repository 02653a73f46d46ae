using Mesh.Policy.Maps;

namespace Mesh.NodeAgent.Policy;

/// <summary>One entry of an endpoint's policy map as it should be programmed.</summary>
public sealed record PolicyMapRow(ushort EndpointId, PolicyMapKey Key, PolicyMapEntry Value)
{
    public PolicyEntryKey PrimaryKey => new(EndpointId, Key);
}
