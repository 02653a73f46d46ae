using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Controllers;

/// <summary>
/// Ipcache claims in, one desired ipcache row per prefix out (the winner of <see cref="IpCacheResolver"/>).
/// </summary>
public sealed class IpCacheController
{
    private readonly AgentTables _tables;
    private readonly IpCacheResolver _resolver = new();
    private readonly TableInitializer _initializer;

    public IpCacheController(AgentTables tables)
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _initializer = tables.IpCache.RegisterInitializer("ipcache-controller");
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var claims = _tables.IpCacheClaims.Changes();
        var inputsInitialized = _tables.IpCacheClaims.InitializedTask;
        var initialized = false;
        var winners = new List<IpCacheChange>();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read before taking the changes: the commit that completes initialization is then in this batch.
            var inputsDone = inputsInitialized.IsCompleted;
            winners.Clear();
            foreach (var change in claims.Next())
            {
                var result = change.Deleted
                    ? _resolver.Remove(change.Row.Owner, change.Row.Entry.Prefix)
                    : _resolver.Upsert(change.Row.Owner, change.Row.Entry);
                if (result is { } winner)
                {
                    winners.Add(winner);
                }
            }
            if (winners.Count > 0)
            {
                _tables.IpCache.Write(tx =>
                {
                    foreach (var winner in winners)
                    {
                        if (winner.Entry is null)
                        {
                            tx.Delete(winner.Prefix);
                        }
                        else
                        {
                            tx.InsertDesired(new Desired<IpCacheEntry>(winner.Entry));
                        }
                    }
                });
            }
            if (!initialized && inputsDone)
            {
                initialized = true;
                _initializer.Done();
            }
            var wait = claims.WaitAsync(cancellationToken);
            await (initialized ? wait : Task.WhenAny(wait, inputsInitialized)).ConfigureAwait(false);
        }
    }
}
