using System.Globalization;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Sync;
using Mesh.NodeAgent.Host.Sources;
using Mesh.NodeAgent.Policy;
using Mesh.Policy.Labels;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>
/// A remote cluster's security identities (<c>cilium/state/identities/v1/id/&lt;id&gt;</c>, or KVStoreMesh's
/// <c>cilium/cache/identities/v1/&lt;cluster&gt;/id/&lt;id&gt;</c>) into the identities table. An identity outside the
/// cluster's range or not labelled with its cluster name is refused with the reason.
/// </summary>
internal static class RemoteIdentityFeed
{
    public static WatchStore<IdentityLabels> Create(string cluster, bool cached, Func<RemoteClusterValidator?> validator, AgentWriters writers, ILoggerFactory loggers)
    {
        var source = PolicyIdentity.RemoteSource(cluster);
        return new WatchStore<IdentityLabels>(
            CiliumKeys.SourcePrefix(CiliumResource.Identities, cluster, cached),
            (name, value) => Decode(name, value, validator()),
            change => Changed(change, source, writers),
            loggers.CreateLogger<WatchStore<IdentityLabels>>());
    }

    internal static WatchStoreDecode<IdentityLabels> Decode(string name, ReadOnlyMemory<byte> value, RemoteClusterValidator? validator)
    {
        if (!uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            return WatchStoreDecode<IdentityLabels>.Reject($"identity key '{name}' is not a numeric identity");
        }
        var decoded = IdentityLabels.TryDecode(value.Span);
        if (!decoded.Ok)
        {
            return WatchStoreDecode<IdentityLabels>.Reject($"identity {id}: {decoded.Error}");
        }
        return validator?.CheckIdentity(id, decoded.Value) is { } rejection
            ? WatchStoreDecode<IdentityLabels>.Reject(rejection.ToString())
            : WatchStoreDecode<IdentityLabels>.Accept(decoded.Value);
    }

    private static void Changed(WatchStoreChange<IdentityLabels> change, string source, AgentWriters writers)
    {
        if (change.Kind == WatchStoreChangeKind.Synced || change.Value is not { } labels
            || !uint.TryParse(change.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return;
        }
        var row = change.Kind == WatchStoreChangeKind.Delete ? null : new PolicyIdentity(id, LabelSet.From(labels), source);
        writers.PolicyIdentities.Enqueue(tx =>
        {
            if (row is not null)
            {
                tx.Insert(row);
            }
            else if (tx.TryGet(id, out var known) && known.Source == source)
            {
                tx.Delete(id);
            }
        });
    }
}
