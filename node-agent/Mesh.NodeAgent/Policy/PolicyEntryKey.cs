using Mesh.Policy.Maps;

namespace Mesh.NodeAgent.Policy;

/// <summary>Primary key of a desired policy-map entry: the endpoint whose map holds it and the key in that map.</summary>
public readonly record struct PolicyEntryKey(ushort EndpointId, PolicyMapKey Key);
