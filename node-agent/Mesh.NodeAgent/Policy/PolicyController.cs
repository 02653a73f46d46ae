using System.Collections.Immutable;
using System.Net;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.Tables;
using Mesh.Policy;
using Mesh.Policy.Cidr;
using Mesh.Policy.Maps;
using Mesh.StateDb.Reconciliation;
using Mesh.StateDb.Tables;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Policy;

/// <summary>
/// Policies, identities (local and every remote cluster) and this node's endpoints in; one desired row per policy-map
/// entry and one per endpoint map out, through a <see cref="PolicyEngine"/> owned by this loop. Only the keys the
/// engine reports changed are written, so identity churn in a remote cluster touches only the affected keys. An
/// endpoint whose map would exceed its limit is reported degraded and held at its last programmed state (never
/// truncated) until it fits again. CIDR identities of CIDR selectors become ipcache claims.
/// </summary>
public sealed partial class PolicyController
{
    /// <summary>Owner of the ipcache claims for CIDR identities.</summary>
    public const string CidrClaimOwner = "policy/cidr";

    private readonly AgentTables _tables;
    private readonly PolicyEngine _engine;
    private readonly ILogger _logger;
    private readonly TableInitializer[] _initializers;
    private readonly TableInitializer _cidrInitializer;
    private readonly HashSet<ushort> _held = [];
    private readonly Dictionary<CidrPrefix, uint> _cidrClaims = [];
    private readonly ImmutableDictionary<uint, string>.Builder _labels = ImmutableDictionary.CreateBuilder<uint, string>();
    private PolicyControllerStatus _status = PolicyControllerStatus.Empty;

    public PolicyController(AgentTables tables, PolicyEngineOptions options, ILogger<PolicyController> logger)
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _engine = new PolicyEngine(options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _initializers =
        [
            tables.PolicyMaps.RegisterInitializer("policy-controller"),
            tables.PolicyEntries.RegisterInitializer("policy-controller"),
        ];
        _cidrInitializer = tables.IpCacheClaims.RegisterInitializer("policy-cidr");
        for (uint id = 1; id <= 10; id++)
        {
            if (_engine.GetIdentityLabels(id) is { } labels)
            {
                _labels[id] = labels.ToString();
            }
        }
    }

    /// <summary>The last published status (thread-safe).</summary>
    public PolicyControllerStatus Status => Volatile.Read(ref _status);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var identities = _tables.PolicyIdentities.Changes();
        using var policies = _tables.Policies.Changes();
        using var endpoints = _tables.LocalEndpoints.Changes();
        var inputsInitialized = Task.WhenAll(_tables.PolicyIdentities.InitializedTask, _tables.Policies.InitializedTask, _tables.LocalEndpoints.InitializedTask);
        var initialized = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read before taking the changes: the commit that completes initialization is then in this round.
            var inputsDone = inputsInitialized.IsCompleted;
            if (Round(identities.Next(), policies.Next(), endpoints.Next()))
            {
                Publish();
            }
            if (!initialized && inputsDone)
            {
                initialized = true;
                foreach (var initializer in _initializers)
                {
                    initializer.Done();
                }
                _cidrInitializer.Done();
                LogInitialized(_engine.Endpoints.Count, _status.Policies.Count, _status.Identities);
            }
            var wait = new List<Task> { identities.WaitAsync(cancellationToken), policies.WaitAsync(cancellationToken), endpoints.WaitAsync(cancellationToken) };
            if (!initialized)
            {
                wait.Add(inputsInitialized);
            }
            await Task.WhenAny(wait).ConfigureAwait(false);
        }
    }

    /// <summary>One round: applies the input changes to the engine and writes what changed. Returns whether anything did.</summary>
    internal bool Round(IEnumerable<Change<PolicyIdentity>> identities, IEnumerable<Change<PolicyObject>> policies, IEnumerable<Change<LocalEndpoint>> endpoints)
    {
        var changed = false;
        foreach (var change in identities)
        {
            changed = true;
            if (change.Deleted)
            {
                _engine.DeleteIdentity(change.Row.Id);
                _labels.Remove(change.Row.Id);
            }
            else
            {
                _engine.UpsertIdentity(change.Row.Id, change.Row.Labels);
                _labels[change.Row.Id] = change.Row.Labels.ToString();
            }
        }
        foreach (var change in policies)
        {
            changed = true;
            if (change.Deleted)
            {
                _engine.DeletePolicy(change.Row.Policy);
                LogPolicyRemoved(change.Row.Key);
                continue;
            }
            var status = _engine.UpsertPolicy(change.Row.Policy);
            if (status.Accepted)
            {
                LogPolicyAccepted(status.Policy, status.Warnings.Count);
            }
            else
            {
                LogPolicyRejected(status.Policy, string.Join("; ", status.Errors), status.InForce);
            }
        }
        var mapsToAdd = new List<ushort>();
        var mapsToRemove = new List<ushort>();
        foreach (var change in endpoints)
        {
            changed = true;
            if (change.Deleted)
            {
                _engine.DeleteEndpoint(change.Row.Id);
                _held.Remove(change.Row.Id);
                mapsToRemove.Add(change.Row.Id);
            }
            else
            {
                _engine.UpsertEndpoint(change.Row.Id, change.Row.Identity, change.Row.NamedPorts);
                mapsToAdd.Add(change.Row.Id);
            }
        }
        if (!changed)
        {
            return false;
        }
        WriteMaps(mapsToAdd, mapsToRemove);
        WriteEntries(mapsToRemove);
        WriteCidrClaims();
        return true;
    }

    private void WriteMaps(List<ushort> add, List<ushort> remove)
    {
        if (add.Count + remove.Count == 0)
        {
            return;
        }
        _tables.PolicyMaps.Write(tx =>
        {
            foreach (var id in remove)
            {
                tx.Delete(id);
            }
            foreach (var id in add)
            {
                tx.InsertDesired(new Desired<PolicyEndpointMap>(new PolicyEndpointMap(id)));
            }
        });
    }

    private void WriteEntries(List<ushort> removedEndpoints)
    {
        var snapshot = _tables.PolicyEntries.Snapshot();
        var deletes = new List<PolicyEntryKey>();
        var upserts = new List<PolicyMapRow>();
        foreach (var id in removedEndpoints)
        {
            foreach (var row in snapshot.ByIndex(AgentTables.PolicyEntriesByEndpoint, id))
            {
                deletes.Add(row.Entry.PrimaryKey);
            }
        }
        foreach (var id in _engine.EndpointsWithChanges)
        {
            var changes = _engine.TakeChanges(id);
            var status = _engine.GetEndpointStatus(id);
            if (status is { Degraded: true })
            {
                // Never program a truncated map: keep the last programmed state and report the endpoint.
                if (_held.Add(id))
                {
                    LogEndpointDegraded(id, status.Entries, status.MaxEntries);
                }
                continue;
            }
            if (_held.Remove(id))
            {
                // Back under the limit: bring the map to the engine's whole state, not just the last changes.
                LogEndpointRecovered(id, status?.Entries ?? 0);
                Resync(id, snapshot, deletes, upserts);
                continue;
            }
            foreach (var change in changes)
            {
                if (change.Entry is { } entry)
                {
                    upserts.Add(new PolicyMapRow(id, change.Key, entry));
                }
                else
                {
                    deletes.Add(new PolicyEntryKey(id, change.Key));
                }
            }
        }
        if (deletes.Count + upserts.Count == 0)
        {
            return;
        }
        _tables.PolicyEntries.Write(tx =>
        {
            foreach (var key in deletes)
            {
                tx.Delete(key);
            }
            foreach (var row in upserts)
            {
                tx.InsertDesired(new Desired<PolicyMapRow>(row));
            }
        });
    }

    private void Resync(ushort id, TableSnapshot<Desired<PolicyMapRow>, PolicyEntryKey> snapshot, List<PolicyEntryKey> deletes, List<PolicyMapRow> upserts)
    {
        var desired = _engine.GetMapState(id)?.Entries ?? new Dictionary<PolicyMapKey, PolicyMapEntry>();
        foreach (var row in snapshot.ByIndex(AgentTables.PolicyEntriesByEndpoint, id))
        {
            if (!desired.ContainsKey(row.Entry.Key))
            {
                deletes.Add(row.Entry.PrimaryKey);
            }
        }
        foreach (var (key, entry) in desired)
        {
            upserts.Add(new PolicyMapRow(id, key, entry));
        }
    }

    private void WriteCidrClaims()
    {
        var current = _engine.CidrIdentities;
        var gone = new List<IpCacheClaimKey>();
        var added = new List<IpCacheClaim>();
        foreach (var (prefix, id) in _cidrClaims)
        {
            if (!current.TryGetValue(prefix, out var now) || now != id)
            {
                gone.Add(new IpCacheClaimKey(CidrClaimOwner, Network(prefix)));
            }
        }
        foreach (var (prefix, id) in current)
        {
            if (!_cidrClaims.TryGetValue(prefix, out var before) || before != id)
            {
                added.Add(new IpCacheClaim(CidrClaimOwner, new IpCacheEntry(Network(prefix), id, null, 0, 0, IpCacheSource.PolicyCidr)));
            }
        }
        if (gone.Count + added.Count == 0)
        {
            return;
        }
        _cidrClaims.Clear();
        foreach (var (prefix, id) in current)
        {
            _cidrClaims[prefix] = id;
        }
        _tables.IpCacheClaims.Write(tx =>
        {
            foreach (var key in gone)
            {
                tx.Delete(key);
            }
            foreach (var claim in added)
            {
                tx.Insert(claim);
            }
        });
    }

    private void Publish()
    {
        var endpoints = new List<EndpointPolicyStatus>();
        foreach (var id in _engine.Endpoints)
        {
            if (_engine.GetEndpointStatus(id) is { } status)
            {
                endpoints.Add(status);
            }
        }
        var labels = _labels.ToImmutable();
        foreach (var (prefix, id) in _cidrClaims)
        {
            if (!labels.ContainsKey(id) && _engine.GetIdentityLabels(id) is { } cidrLabels)
            {
                labels = labels.SetItem(id, cidrLabels.ToString());
            }
        }
        Volatile.Write(ref _status, new PolicyControllerStatus(_engine.Revision, labels.Count, _engine.PolicyStatuses, endpoints, labels));
    }

    private static IPNetwork Network(CidrPrefix prefix) => new(prefix.Address, prefix.Length);

    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Policy {Policy} accepted ({Warnings} warnings)")]
    private partial void LogPolicyAccepted(string policy, int warnings);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Policy {Policy} rejected: {Errors} (previous version in force: {InForce})")]
    private partial void LogPolicyRejected(string policy, string errors, bool inForce);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Policy {Policy} removed")]
    private partial void LogPolicyRemoved(string policy);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Endpoint {Endpoint} degraded: its policy map needs {Entries} entries, over its limit of {Max}; the last programmed map stays")]
    private partial void LogEndpointDegraded(ushort endpoint, int entries, int max);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Information, Message = "Endpoint {Endpoint} fits its policy map again ({Entries} entries); reprogramming it whole")]
    private partial void LogEndpointRecovered(ushort endpoint, int entries);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Information, Message = "Policy inputs synced: {Endpoints} local endpoints, {Policies} policies, {Identities} identities")]
    private partial void LogInitialized(int endpoints, int policies, int identities);
}
