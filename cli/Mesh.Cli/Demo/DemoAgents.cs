using System.Globalization;
using System.Net;
using Mesh.Bpf.Maps;
using Mesh.Kubernetes.Manifests;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Host;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.LoadBalancing;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Demo;

/// <summary>
/// The demo's second act: one node agent per cluster, reading its peers through KVStoreMesh's cache in its own
/// kvstore and programming userspace maps with Cilium's layouts; then a failover of a global service with
/// affinity=local when one cluster's local backends go away, and the recovery.
/// </summary>
internal static class DemoAgents
{
    private static readonly ServiceName Echo = new("demo", "echo");

    public static async Task<bool> RunAsync(IReadOnlyList<DemoCluster> clusters, string workDirectory, TextWriter output, TimeSpan timeout, List<Task> runs, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var names = clusters.ToDictionary(c => c.Id, c => c.Name);
        foreach (var cluster in clusters)
        {
            cluster.Maps = BpfMapStores.Userspace();
            cluster.Agent = new NodeAgentRuntime(
                new NodeAgentOptions { NodeName = $"{cluster.Name}-node-1", ClusterName = cluster.Name, ClusterId = cluster.Id, ClusterMeshHealthCheckInterval = TimeSpan.FromSeconds(2) },
                new ManifestDirectorySource(Path.Combine(workDirectory, cluster.Name), time, loggers.CreateLogger<ManifestDirectorySource>()),
                cluster.Maps,
                time,
                loggers);
            foreach (var peer in clusters.Where(p => p != cluster))
            {
                // Like agents with KVStoreMesh: every peer is read from the local kvstore's cilium/cache.
                var backend = cluster.Backend;
                cluster.Agent.AddRemote(peer.Name, () => KvStoreFactory.Create(backend, new KvStoreOptions(), time, loggers));
            }
            cluster.Agent.InitialRemotesKnown();
            runs.Add(cluster.Agent.RunAsync(cancellationToken));
        }
        var started = DateTime.UtcNow;
        if (!await WaitAsync(() => clusters.All(c => c.Agent!.IsReady && Backends(c, names).Count > 0), timeout, cancellationToken))
        {
            await output.WriteLineAsync($"mesh demo: the node agents did not program their maps within {timeout.TotalSeconds:0} s");
            return false;
        }
        await output.WriteLineAsync($"Node agents programmed their maps in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms.\n");
        await PrintAsync(clusters, names, "global service demo/echo (affinity=local) as programmed in each cluster's lb4 maps", output);

        var first = clusters[0];
        var manifest = Path.Combine(workDirectory, first.Name, "services.yaml");
        var original = await File.ReadAllTextAsync(manifest, cancellationToken);
        await output.WriteLineAsync($"== {first.Name}: every local backend of demo/echo becomes not ready (its EndpointSlice is edited)");
        await File.WriteAllTextAsync(manifest, NotReady(original, $"echo-{first.Name}"), cancellationToken);
        if (await WaitAsync(() => Backends(first, names).Count > 0 && Backends(first, names).All(b => b.Cluster != first.Name && b.Cluster != "?"), timeout, cancellationToken))
        {
            await PrintAsync([first], names, $"{first.Name} failed over to the remote clusters' backends", output);
        }
        else
        {
            await output.WriteLineAsync("mesh demo: the failover did not happen in time");
            return false;
        }

        await output.WriteLineAsync($"== {first.Name}: the local backends are ready again");
        await File.WriteAllTextAsync(manifest, original, cancellationToken);
        if (await WaitAsync(() => Backends(first, names).Count > 0 && Backends(first, names).All(b => b.Cluster == first.Name), timeout, cancellationToken))
        {
            await PrintAsync([first], names, $"{first.Name} is back on its local backends", output);
            return true;
        }
        await output.WriteLineAsync("mesh demo: the recovery did not happen in time");
        return false;
    }

    private static async Task PrintAsync(IEnumerable<DemoCluster> clusters, IReadOnlyDictionary<uint, string> names, string title, TextWriter output)
    {
        await output.WriteLineAsync($"== {title}");
        foreach (var cluster in clusters)
        {
            var vip = Vip(cluster);
            var backends = Backends(cluster, names);
            await output.WriteLineAsync($"  {cluster.Name}: {vip}:80/TCP -> {(backends.Count == 0 ? "(no backends)" : string.Join(", ", backends.Select(b => $"{b.Address} ({b.Cluster})")))}");
        }
        await output.WriteLineAsync();
    }

    /// <summary>The backends in the slots of the cluster's echo frontend, read back from its maps.</summary>
    private static List<(string Address, string Cluster)> Backends(DemoCluster cluster, IReadOnlyDictionary<uint, string> names)
    {
        if (Vip(cluster) is not { } vip || cluster.Maps is null)
        {
            return [];
        }
        return [.. LbMapReader.SlotBackends(cluster.Maps, vip, 80).Select(slot => slot.Backend is { } b
            ? ($"{b.Address}:{b.Port.ToString(CultureInfo.InvariantCulture)}", names.GetValueOrDefault(b.ClusterId, $"cluster-id {b.ClusterId}"))
            : ($"backend {slot.BackendId}", "?"))];
    }

    private static IPAddress? Vip(DemoCluster cluster) =>
        cluster.Agent?.Tables.Services.Snapshot().TryGet(Echo, out var service) == true && service.Frontends.Count > 0
            ? service.Frontends[0].Address.Address
            : null;

    /// <summary>The manifest with every endpoint of the named EndpointSlice marked not ready.</summary>
    private static string NotReady(string yaml, string slice)
    {
        var documents = yaml.Split("\n---", StringSplitOptions.None);
        for (var i = 0; i < documents.Length; i++)
        {
            if (documents[i].Contains($"name: {slice}\n", StringComparison.Ordinal))
            {
                documents[i] = documents[i].Replace("ready: true", "ready: false", StringComparison.Ordinal)
                    .Replace("serving: true", "serving: false", StringComparison.Ordinal);
            }
        }
        return string.Join("\n---", documents);
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(50, cancellationToken);
        }
        return condition();
    }
}
