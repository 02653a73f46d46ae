using System.Net;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Validation;

/// <summary>
/// Checks entries read from one remote cluster (spec §1.3, §3.3) before they are used: names and IDs must match the
/// connection, keys must name what values describe, identities must lie in the remote's range. Each check returns
/// null when the entry is accepted.
/// </summary>
public sealed class RemoteClusterValidator
{
    /// <summary>Identities below this are reserved and valid from any cluster.</summary>
    public const uint ReservedIdentityLimit = 256;

    public RemoteClusterValidator(string clusterName, uint clusterId, ClusterLimits limits)
    {
        ClusterName = clusterName;
        ClusterId = clusterId;
        Limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    public string ClusterName { get; }

    public uint ClusterId { get; }

    public ClusterLimits Limits { get; }

    /// <summary>A node at key name <c>&lt;cluster&gt;/&lt;name&gt;</c>.</summary>
    public Rejection? CheckNode(string keyName, ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Name.Length == 0 || node.Cluster.Length == 0)
        {
            return new Rejection(RejectionReason.MissingField, $"node '{keyName}': Name and Cluster must be set");
        }
        if (keyName != node.KeyName)
        {
            return new Rejection(RejectionReason.KeyValueMismatch, $"node key '{keyName}' does not match value '{node.KeyName}'");
        }
        return CheckClusterNameAndId(node.Cluster, node.ClusterId, $"node '{keyName}'");
    }

    /// <summary>A service at key name <c>&lt;ns&gt;/&lt;name&gt;</c> below the cluster's service prefix.</summary>
    public Rejection? CheckService(string keyName, ClusterService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Cluster.Length == 0 || service.Namespace.Length == 0 || service.Name.Length == 0)
        {
            return new Rejection(RejectionReason.MissingField, $"service '{keyName}': cluster, namespace and name must be set");
        }
        if (keyName != $"{service.Namespace}/{service.Name}")
        {
            return new Rejection(RejectionReason.KeyValueMismatch, $"service key '{keyName}' does not match value '{service.Namespace}/{service.Name}'");
        }
        foreach (var (field, map) in new[] { ("frontends", service.Frontends), ("backends", service.Backends) })
        {
            foreach (var ip in map?.Keys ?? [])
            {
                if (!IPAddress.TryParse(ip, out _))
                {
                    return new Rejection(RejectionReason.InvalidField, $"service '{keyName}': {field} key '{ip}' is not an IP address");
                }
            }
        }
        return CheckClusterNameAndId(service.Cluster, service.ClusterId, $"service '{keyName}'");
    }

    /// <summary>An ipcache entry at key name <c>&lt;ip&gt;</c> or <c>&lt;ip&gt;/&lt;len&gt;</c>.</summary>
    public Rejection? CheckIpEntry(string keyName, IpIdentityPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.Ip is null)
        {
            return new Rejection(RejectionReason.MissingField, $"ipcache '{keyName}': IP must be set");
        }
        if (keyName != pair.PrefixString)
        {
            return new Rejection(RejectionReason.KeyValueMismatch, $"ipcache key '{keyName}' does not match value '{pair.PrefixString}'");
        }
        return CheckIdentity(pair.Id, $"ipcache '{keyName}'");
    }

    /// <summary>An identity at <c>id/&lt;ID&gt;</c> with its labels: in range, and labelled with this cluster's name.</summary>
    public Rejection? CheckIdentity(uint id, IdentityLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (CheckIdentity(id, $"identity {id}") is { } outOfRange)
        {
            return outOfRange;
        }
        var cluster = labels.Labels.FirstOrDefault(l => l.Key == IdentityLabels.ClusterLabelKey);
        if (cluster is null || cluster.Source != "k8s" || cluster.Value != ClusterName)
        {
            return new Rejection(
                RejectionReason.ClusterNameMismatch,
                $"identity {id}: label k8s:{IdentityLabels.ClusterLabelKey} is '{cluster?.ToString() ?? "absent"}', expected '{ClusterName}'");
        }
        return null;
    }

    /// <summary>
    /// Decodes the value stored at <c>cilium/cluster-config/&lt;name&gt;</c> and checks it against ours; the config, or
    /// why it is refused (malformed or invalid).
    /// </summary>
    public static Rejection? CheckClusterConfig(string clusterName, ReadOnlyMemory<byte> value, ClusterLimits local, uint localClusterId, out CiliumClusterConfig? config)
    {
        var decoded = Codecs.CiliumClusterConfigCodec.TryDecode(value);
        if (!decoded.Ok)
        {
            config = null;
            return new Rejection(RejectionReason.Malformed, $"cluster config of '{clusterName}': {decoded.Error}");
        }
        config = decoded.Value;
        return CheckClusterConfig(clusterName, decoded.Value, local, localClusterId);
    }

    /// <summary>The remote's cluster config, checked against ours (spec §1.3.6, §3.3).</summary>
    public static Rejection? CheckClusterConfig(string clusterName, CiliumClusterConfig config, ClusterLimits local, uint localClusterId)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(local);
        var remoteMax = config.Capabilities.MaxConnectedClusters == 0 ? ClusterLimits.DefaultMaxConnectedClusters : config.Capabilities.MaxConnectedClusters;
        if (local.MaxConnectedClusters != ClusterLimits.DefaultMaxConnectedClusters && remoteMax != local.MaxConnectedClusters)
        {
            return new Rejection(
                RejectionReason.MaxConnectedClustersMismatch,
                $"cluster '{clusterName}': maxConnectedClusters {remoteMax} differs from local {local.MaxConnectedClusters}");
        }
        if (local.CheckClusterId(config.Id, $"cluster '{clusterName}' id") is { } badId)
        {
            return badId;
        }
        if (config.Id == localClusterId)
        {
            return new Rejection(RejectionReason.ClusterIdMismatch, $"cluster '{clusterName}' uses ID {config.Id}, which is the local cluster's ID");
        }
        if (config.Capabilities.EndpointSlicesExportMode is not ("" or "services-and-endpointslices" or "endpointslices-only"))
        {
            return new Rejection(RejectionReason.InvalidField, $"cluster '{clusterName}': unknown endpointSlicesExportMode '{config.Capabilities.EndpointSlicesExportMode}'");
        }
        return null;
    }

    private Rejection? CheckIdentity(uint id, string what)
    {
        if (id < ReservedIdentityLimit)
        {
            return null;
        }
        var (first, last) = Limits.IdentityRange(ClusterId);
        return id >= first && id <= last
            ? null
            : new Rejection(RejectionReason.IdentityOutOfRange, $"{what}: identity {id} is outside cluster {ClusterId}'s range {first}-{last}");
    }

    private Rejection? CheckClusterNameAndId(string cluster, uint clusterId, string what)
    {
        if (cluster != ClusterName)
        {
            return new Rejection(RejectionReason.ClusterNameMismatch, $"{what}: cluster '{cluster}', expected '{ClusterName}'");
        }
        if (Limits.CheckClusterId(clusterId, $"{what} cluster ID") is { } badId)
        {
            return badId;
        }
        return clusterId == ClusterId
            ? null
            : new Rejection(RejectionReason.ClusterIdMismatch, $"{what}: cluster ID {clusterId}, expected {ClusterId}");
    }
}
