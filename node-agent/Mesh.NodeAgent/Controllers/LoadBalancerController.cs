using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Controllers;

/// <summary>
/// Services and backend sets in, desired service / backend / reverse-NAT rows out, through one
/// <see cref="LoadBalancerPlanner"/> owned by this loop. The desired tables count as initialized only once every
/// input table is, so the reconcilers never prune a working datapath after a restart.
/// </summary>
public sealed class LoadBalancerController
{
    private readonly AgentTables _tables;
    private readonly LoadBalancerPlanner _planner;
    private readonly TableInitializer[] _initializers;
    private IReadOnlyList<string> _errors = [];

    public LoadBalancerController(AgentTables tables, string nodeName)
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _planner = new LoadBalancerPlanner(nodeName);
        _initializers =
        [
            tables.LbServices.RegisterInitializer("lb-controller"),
            tables.LbBackends.RegisterInitializer("lb-controller"),
            tables.LbRevNat.RegisterInitializer("lb-controller"),
        ];
    }

    /// <summary>Planning problems of the last round (conflicting frontends, IDs exhausted).</summary>
    public IReadOnlyList<string> Errors => Volatile.Read(ref _errors);

    /// <summary>Seeds IDs from the datapath; call before <see cref="RunAsync"/>.</summary>
    public void Restore(IEnumerable<LbServiceEntry> services, IEnumerable<LbBackendEntry> backends) => _planner.Restore(services, backends);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var services = _tables.Services.Changes();
        using var sets = _tables.BackendSets.Changes();
        var inputsInitialized = Task.WhenAll(_tables.Services.InitializedTask, _tables.BackendSets.InitializedTask);
        var initialized = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read before taking the changes: the commit that completes initialization is then in this round.
            var inputsDone = inputsInitialized.IsCompleted;
            foreach (var change in services.Next())
            {
                if (change.Deleted)
                {
                    _planner.RemoveService(change.Row.Name);
                }
                else
                {
                    _planner.SetService(change.Row);
                }
            }
            foreach (var change in sets.Next())
            {
                if (change.Deleted)
                {
                    _planner.RemoveBackends(change.Row.Service, change.Row.Source);
                }
                else
                {
                    _planner.SetBackends(change.Row);
                }
            }
            // Every input listed: IDs restored from the datapath that nothing claimed are free again.
            var changes = _planner.Flush(releaseUnclaimed: !initialized && inputsDone);
            Apply(changes);
            if (changes.Errors.Count > 0 || _errors.Count > 0)
            {
                Volatile.Write(ref _errors, changes.Errors.ToArray());
            }
            if (!initialized && inputsDone)
            {
                initialized = true;
                foreach (var initializer in _initializers)
                {
                    initializer.Done();
                }
            }
            var wait = new List<Task> { services.WaitAsync(cancellationToken), sets.WaitAsync(cancellationToken) };
            if (!initialized)
            {
                wait.Add(inputsInitialized);
            }
            await Task.WhenAny(wait).ConfigureAwait(false);
        }
    }

    private void Apply(LbChanges changes)
    {
        if (changes.BackendUpserts.Count + changes.BackendDeletes.Count > 0)
        {
            _tables.LbBackends.Write(tx =>
            {
                foreach (var id in changes.BackendDeletes)
                {
                    tx.Delete(id);
                }
                foreach (var entry in changes.BackendUpserts)
                {
                    tx.InsertDesired(new Desired<LbBackendEntry>(entry));
                }
            });
        }
        if (changes.RevNatUpserts.Count + changes.RevNatDeletes.Count > 0)
        {
            _tables.LbRevNat.Write(tx =>
            {
                foreach (var index in changes.RevNatDeletes)
                {
                    tx.Delete(index);
                }
                foreach (var entry in changes.RevNatUpserts)
                {
                    tx.InsertDesired(new Desired<LbRevNatEntry>(entry));
                }
            });
        }
        if (changes.ServiceUpserts.Count + changes.ServiceDeletes.Count > 0)
        {
            _tables.LbServices.Write(tx =>
            {
                foreach (var key in changes.ServiceDeletes)
                {
                    tx.Delete(key);
                }
                foreach (var entry in changes.ServiceUpserts)
                {
                    tx.InsertDesired(new Desired<LbServiceEntry>(entry));
                }
            });
        }
    }
}
