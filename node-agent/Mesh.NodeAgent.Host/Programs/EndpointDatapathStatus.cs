namespace Mesh.NodeAgent.Host.Programs;

/// <summary>Where one endpoint's datapath stands: attached (with the kernel's program ids) or failing, and why.</summary>
/// <param name="Endpoint">The CiliumEndpoint, <c>namespace/name</c>.</param>
/// <param name="EndpointId">Its endpoint id (0 when its annotations are unusable).</param>
/// <param name="InterfaceName">The host-side interface it names (empty when unusable).</param>
/// <param name="InterfaceIndex">The interface's index when found.</param>
/// <param name="IngressProgramId">Kernel id of <c>mesh_from_container</c> on the interface's ingress, when attached.</param>
/// <param name="EgressProgramId">Kernel id of <c>mesh_to_container</c> on the interface's egress, when attached.</param>
/// <param name="Error">The last failure, null once attached.</param>
/// <param name="Failures">Failed attempts since the last success.</param>
public sealed record EndpointDatapathStatus(
    string Endpoint,
    ushort EndpointId,
    string InterfaceName,
    int? InterfaceIndex,
    uint? IngressProgramId,
    uint? EgressProgramId,
    string? Error,
    int Failures)
{
    public bool Attached => Error is null && IngressProgramId is not null && EgressProgramId is not null;
}
