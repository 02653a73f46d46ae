using System.Net;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.KvStore.Cilium.Values;
using Mesh.Kubernetes.Objects;
using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>Kubernetes Services and EndpointSlices, and remote clusters' services, into the load balancer's model.</summary>
public static class ServiceConversion
{
    /// <summary>
    /// The frontends (cluster IPs, external IPs, load-balancer IPs × ports) and clustermesh annotations of a Service.
    /// Ports with an unknown protocol are skipped; headless services have no frontends.
    /// </summary>
    public static ServiceIntent FromKubernetes(KubeService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var frontends = new List<Frontend>();
        if (!service.IsHeadless)
        {
            Add(frontends, service.ClusterIps, FrontendType.ClusterIp, service.Ports);
        }
        Add(frontends, service.ExternalIps, FrontendType.ExternalIp, service.Ports);
        Add(frontends, service.LoadBalancerIps, FrontendType.LoadBalancer, service.Ports);
        var affinity = ClusterMeshAnnotations.AffinityOf(service.Metadata) switch
        {
            "local" => ServiceAffinity.Local,
            "remote" => ServiceAffinity.Remote,
            _ => ServiceAffinity.None,
        };
        var sessionAffinity = string.Equals(service.SessionAffinity, "ClientIP", StringComparison.Ordinal)
            ? (uint)(service.SessionAffinityTimeoutSeconds ?? 10_800)
            : 0;
        return new ServiceIntent(
            new ServiceName(service.Metadata.Namespace, service.Metadata.Name),
            new ValueList<Frontend>(frontends),
            ClusterMeshAnnotations.IsGlobal(service.Metadata),
            ClusterMeshAnnotations.IsShared(service.Metadata),
            affinity,
            sessionAffinity,
            string.Equals(service.ExternalTrafficPolicy, "Local", StringComparison.Ordinal));
    }

    /// <summary>
    /// The backends of one local EndpointSlice: ready endpoints are active, serving and terminating ones are
    /// terminating, the rest are left out (discovery.k8s.io/v1: unset ready means ready).
    /// </summary>
    public static ServiceBackendSet FromEndpointSlice(EndpointSlice slice, uint clusterId)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var backends = new List<Backend>();
        foreach (var endpoint in slice.Endpoints)
        {
            var ready = endpoint.Ready ?? true;
            var serving = endpoint.Serving ?? ready;
            var terminating = endpoint.Terminating ?? false;
            BackendState state;
            if (ready && !terminating)
            {
                state = BackendState.Active;
            }
            else if (serving && terminating)
            {
                state = BackendState.Terminating;
            }
            else
            {
                continue;
            }
            foreach (var text in endpoint.Addresses)
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    continue;
                }
                foreach (var port in slice.Ports)
                {
                    if (port.Port is > 0 and <= ushort.MaxValue && L4Protocols.TryParse(port.Protocol, out var protocol))
                    {
                        backends.Add(new Backend(new L3L4Address(address, (ushort)port.Port, protocol), port.Name, state, false, clusterId, endpoint.NodeName, endpoint.Zone));
                    }
                }
            }
        }
        return new ServiceBackendSet(
            new ServiceName(slice.Metadata.Namespace, slice.ServiceName),
            ServiceBackendSet.LocalSource(slice.Metadata.Name),
            clusterId,
            IsLocal: true,
            new ValueList<Backend>(backends));
    }

    /// <summary>
    /// A remote cluster's shared service as its backends (spec §3.6); null when the remote does not share it, which
    /// the caller treats as a delete.
    /// </summary>
    public static ServiceBackendSet? FromRemote(ClusterService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!service.Shared)
        {
            return null;
        }
        var backends = new List<Backend>();
        foreach (var (text, ports) in service.Backends ?? new Dictionary<string, IReadOnlyDictionary<string, L4Address>>())
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                continue;
            }
            var zone = service.Zones?.GetValueOrDefault(text)?.Zone ?? string.Empty;
            foreach (var (name, port) in ports.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (port.Port > 0 && L4Protocols.TryParse(port.Protocol, out var protocol))
                {
                    backends.Add(new Backend(new L3L4Address(address, port.Port, protocol), name, BackendState.Active, false, service.ClusterId, string.Empty, zone));
                }
            }
        }
        return new ServiceBackendSet(
            new ServiceName(service.Namespace, service.Name),
            ServiceBackendSet.RemoteSource(service.Cluster),
            service.ClusterId,
            IsLocal: false,
            new ValueList<Backend>(backends));
    }

    private static void Add(List<Frontend> frontends, IReadOnlyList<string> addresses, FrontendType type, IReadOnlyList<ServicePortSpec> ports)
    {
        foreach (var text in addresses)
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                continue;
            }
            foreach (var port in ports)
            {
                if (port.Port is > 0 and <= ushort.MaxValue && L4Protocols.TryParse(port.Protocol, out var protocol))
                {
                    frontends.Add(new Frontend(new L3L4Address(address, (ushort)port.Port, protocol), port.Name, type));
                }
            }
        }
    }
}
