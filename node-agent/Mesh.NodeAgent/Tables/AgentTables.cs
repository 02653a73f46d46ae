using System.Net;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Policy;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Tables;

/// <summary>
/// The agent's state: input tables written by the sources (local Kubernetes objects, remote clusters) and the
/// desired-state tables the controllers derive from them and the reconcilers push into the datapath.
/// </summary>
public sealed class AgentTables
{
    public static readonly Index<ServiceBackendSet, ServiceName> BackendSetsByService = Index<ServiceBackendSet, ServiceName>.Create("service", s => s.Service);

    public static readonly Index<ServiceBackendSet, string> BackendSetsBySource = Index<ServiceBackendSet, string>.Create("source", s => s.Source);

    public static readonly Index<IpCacheClaim, string> ClaimsByOwner = Index<IpCacheClaim, string>.Create("owner", c => c.Owner);

    /// <summary>Local Services (frontends and clustermesh annotations).</summary>
    public Table<ServiceIntent, ServiceName> Services { get; } = new("services", s => s.Name);

    /// <summary>Backends per service and source: local EndpointSlices and remote clusters' shared services.</summary>
    public Table<ServiceBackendSet, BackendSetKey> BackendSets { get; } =
        new("backend-sets", s => new BackendSetKey(s.Service, s.Source), (IComparer<BackendSetKey>?)null, BackendSetsByService, BackendSetsBySource);

    /// <summary>Every source's claim on an ipcache prefix.</summary>
    public Table<IpCacheClaim, IpCacheClaimKey> IpCacheClaims { get; } = new("ipcache-claims", c => c.Key, (IComparer<IpCacheClaimKey>?)null, ClaimsByOwner);

    public Table<Desired<LbServiceEntry>, LbFrontendKey> LbServices { get; } = new("lb-services", r => r.Entry.Key);

    public Table<Desired<LbBackendEntry>, uint> LbBackends { get; } = new("lb-backends", r => r.Entry.Id);

    public Table<Desired<LbRevNatEntry>, ushort> LbRevNat { get; } = new("lb-revnat", r => r.Entry.Index);

    public Table<Desired<IpCacheEntry>, IPNetwork> IpCache { get; } = new("ipcache", r => r.Entry.Prefix, (IComparer<IPNetwork>?)null);

    public static readonly Index<Desired<PolicyMapRow>, ushort> PolicyEntriesByEndpoint = Index<Desired<PolicyMapRow>, ushort>.Create("endpoint", r => r.Entry.EndpointId);

    /// <summary>Local policies (CNP, CCNP, KNP), verbatim.</summary>
    public Table<PolicyObject, string> Policies { get; } = new("policies", p => p.Key, StringComparer.Ordinal);

    /// <summary>Security identities of the local cluster and of every remote cluster.</summary>
    public Table<PolicyIdentity, uint> PolicyIdentities { get; } = new("policy-identities", i => i.Id);

    /// <summary>This node's endpoints (CiliumEndpoints on this node with an endpoint ID).</summary>
    public Table<LocalEndpoint, ushort> LocalEndpoints { get; } = new("local-endpoints", e => e.Id);

    /// <summary>The per-endpoint policy maps that must exist.</summary>
    public Table<Desired<PolicyEndpointMap>, ushort> PolicyMaps { get; } = new("policy-maps", r => r.Entry.EndpointId);

    /// <summary>Every entry of every local endpoint's policy map.</summary>
    public Table<Desired<PolicyMapRow>, PolicyEntryKey> PolicyEntries { get; } =
        new("policy-entries", r => r.Entry.PrimaryKey, (IComparer<PolicyEntryKey>?)null, PolicyEntriesByEndpoint);

    /// <summary>Row counts per table, for status.</summary>
    public IReadOnlyDictionary<string, int> Counts() => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        [Services.Name] = Services.Snapshot().Count,
        [BackendSets.Name] = BackendSets.Snapshot().Count,
        [IpCacheClaims.Name] = IpCacheClaims.Snapshot().Count,
        [LbServices.Name] = LbServices.Snapshot().Count,
        [LbBackends.Name] = LbBackends.Snapshot().Count,
        [LbRevNat.Name] = LbRevNat.Snapshot().Count,
        [IpCache.Name] = IpCache.Snapshot().Count,
        [Policies.Name] = Policies.Snapshot().Count,
        [PolicyIdentities.Name] = PolicyIdentities.Snapshot().Count,
        [LocalEndpoints.Name] = LocalEndpoints.Snapshot().Count,
        [PolicyMaps.Name] = PolicyMaps.Snapshot().Count,
        [PolicyEntries.Name] = PolicyEntries.Snapshot().Count,
    };
}
