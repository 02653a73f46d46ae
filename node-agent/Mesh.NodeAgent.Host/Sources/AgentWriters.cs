using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Policy;
using Mesh.NodeAgent.Tables;

namespace Mesh.NodeAgent.Host.Sources;

/// <summary>The batched writers every source feeds the input tables through.</summary>
internal sealed class AgentWriters(AgentTables tables)
{
    public AgentTables Tables { get; } = tables;

    public TableWriter<ServiceIntent, ServiceName> Services { get; } = new(tables.Services);

    public TableWriter<ServiceBackendSet, BackendSetKey> BackendSets { get; } = new(tables.BackendSets);

    public TableWriter<IpCacheClaim, IpCacheClaimKey> IpCacheClaims { get; } = new(tables.IpCacheClaims);

    public TableWriter<PolicyObject, string> Policies { get; } = new(tables.Policies);

    public TableWriter<PolicyIdentity, uint> PolicyIdentities { get; } = new(tables.PolicyIdentities);

    public TableWriter<LocalEndpoint, ushort> LocalEndpoints { get; } = new(tables.LocalEndpoints);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Policies.RunAsync(cancellationToken),
        PolicyIdentities.RunAsync(cancellationToken),
        LocalEndpoints.RunAsync(cancellationToken),
        Services.RunAsync(cancellationToken),
        BackendSets.RunAsync(cancellationToken),
        IpCacheClaims.RunAsync(cancellationToken));

    /// <summary>Replaces the claims an owner made before (<paramref name="previous"/>) with <paramref name="claims"/>.</summary>
    public void ReplaceClaims(IReadOnlyCollection<IpCacheClaimKey> previous, IpCacheClaim[] claims) => IpCacheClaims.Enqueue(tx =>
    {
        foreach (var key in previous)
        {
            if (!claims.Any(c => c.Key == key))
            {
                tx.Delete(key);
            }
        }
        foreach (var claim in claims)
        {
            tx.Insert(claim);
        }
    });
}
