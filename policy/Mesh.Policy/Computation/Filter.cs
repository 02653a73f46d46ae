using Mesh.Policy.Rules;

namespace Mesh.Policy.Computation;

/// <summary>
/// One (direction, allow/deny, selector, ports) unit of a resolved policy. <see cref="Ports"/> empty means L3-only;
/// <see cref="StaticKeys"/> are the port keys of the numeric ports (named ports resolve per endpoint).
/// </summary>
internal sealed record Filter(TrafficDirection Direction, bool Deny, CachedSelector Selector, IReadOnlyList<PortProtocol> Ports, PortKey[] StaticKeys, bool HasNamedPorts, PolicyOrigin Origin);
