using Mesh.Bpf.Maps.Layouts;
using Mesh.Policy;
using Mesh.Policy.Maps;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>The policy engine's keys and entries in the kernel layout of <c>cilium_policy_v2_&lt;id&gt;</c> (spec §3.7), and back.</summary>
public static class PolicyMapEncoding
{
    public static PolicyKey Encode(in PolicyMapKey key) =>
        new(key.Identity, key.Direction == TrafficDirection.Egress, key.Protocol, key.Port, key.PortPrefixLength);

    public static Mesh.Bpf.Maps.Layouts.PolicyEntry Encode(in PolicyMapEntry entry) =>
        new(entry.Deny, entry.Precedence, entry.LpmPrefixLength, entry.ProxyPort, cookie: entry.Cookie);

    public static PolicyMapKey Decode(in PolicyKey key) =>
        new(key.Identity, key.Egress ? TrafficDirection.Egress : TrafficDirection.Ingress, key.Protocol, key.Port, key.PortPrefixLength);

    public static PolicyMapEntry Decode(in Mesh.Bpf.Maps.Layouts.PolicyEntry entry) =>
        new(entry.Deny, entry.Precedence, (byte)entry.LpmPrefixLength, entry.ProxyPort, entry.Cookie);

    /// <summary>The endpoint ID in a policy map's name, or null for another map.</summary>
    public static ushort? EndpointOf(string mapName)
    {
        ArgumentNullException.ThrowIfNull(mapName);
        return mapName.StartsWith(CiliumMaps.PolicyMapPrefix, StringComparison.Ordinal)
            && ushort.TryParse(mapName.AsSpan(CiliumMaps.PolicyMapPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
