using System.Globalization;
using Mesh.Kubernetes.Objects;

namespace Mesh.NodeAgent.Host.Programs;

/// <summary>
/// A local endpoint the datapath is attached for: its CiliumEndpoint, Cilium endpoint id (which names its policy
/// map) and the host-side interface of its veth.
/// <para>
/// Cilium's agent creates the veth itself (CNI ADD) and so knows it; Mesh's agent does not run CNI, so the
/// CiliumEndpoint says it with the annotation <see cref="InterfaceAnnotation"/> (e.g. <c>lxc1a2b3c</c>, looked up
/// in the agent's network namespace). The endpoint id is Cilium's <c>status.id</c>, else the annotation
/// <see cref="EndpointIdAnnotation"/> (1..65535), as the agent's policy side reads it. An endpoint without the interface annotation is not attached (it lives on another node, or its
/// datapath is someone else's).
/// </para>
/// </summary>
public sealed record EndpointInterface(string Endpoint, ushort EndpointId, string InterfaceName)
{
    public const string InterfaceAnnotation = "mesh.cilium.io/host-interface";

    public const string EndpointIdAnnotation = "mesh.cilium.io/endpoint-id";

    /// <summary>
    /// Reads the annotations. Null with no problem when the endpoint names no interface; null with the problem when
    /// it names one but the annotations are unusable.
    /// </summary>
    public static EndpointInterface? From(CiliumEndpoint endpoint, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        problem = null;
        var annotations = endpoint.Metadata.Annotations;
        if (!annotations.TryGetValue(InterfaceAnnotation, out var name))
        {
            return null;
        }
        var key = endpoint.Metadata.Key;
        if (name.Length is 0 or > 15 || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
        {
            problem = $"{key}: {InterfaceAnnotation} '{name}' is not an interface name (1-15 characters, no '/', ':' or spaces)";
            return null;
        }
        if (endpoint.EndpointId is { } statusId and > 0)
        {
            return new EndpointInterface(key, statusId, name);
        }
        if (!annotations.TryGetValue(EndpointIdAnnotation, out var idText))
        {
            problem = $"{key}: {InterfaceAnnotation} needs status.id or {EndpointIdAnnotation} (the endpoint id naming its policy map)";
            return null;
        }
        if (!ushort.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            problem = $"{key}: {EndpointIdAnnotation} '{idText}' is not an endpoint id (1..65535)";
            return null;
        }
        return new EndpointInterface(key, id, name);
    }
}
