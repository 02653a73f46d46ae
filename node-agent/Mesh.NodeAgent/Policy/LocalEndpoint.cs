using Mesh.Policy;

namespace Mesh.NodeAgent.Policy;

/// <summary>
/// A CiliumEndpoint of this node: its endpoint ID (which names its policy map <c>cilium_policy_v2_&lt;id&gt;</c>), its
/// security identity and named container ports.
/// </summary>
public sealed record LocalEndpoint(ushort Id, uint Identity, string Name, IReadOnlyList<NamedPort> NamedPorts)
{
    public bool Equals(LocalEndpoint? other) =>
        other is not null && Id == other.Id && Identity == other.Identity && Name == other.Name && NamedPorts.SequenceEqual(other.NamedPorts);

    public override int GetHashCode() => HashCode.Combine(Id, Identity, Name, NamedPorts.Count);
}
