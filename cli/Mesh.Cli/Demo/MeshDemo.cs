using System.Globalization;
using System.Text;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Export;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.Kubernetes.Manifests;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Demo;

/// <summary>
/// <c>mesh demo</c>: one process runs several clusters, each with its own embedded kvstore, exporting the manifests
/// of <c>examples/&lt;cluster&gt;/</c> and caching every other cluster through KVStoreMesh; then it prints what each
/// cluster sees. No root, no etcd.
/// </summary>
internal static class MeshDemo
{
    public static async Task<int> RunAsync(string examples, TextWriter output, TimeSpan timeout, bool follow, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var directories = Directory.Exists(examples)
            ? Directory.GetDirectories(examples).Order(StringComparer.Ordinal).ToArray()
            : [];
        if (directories.Length < 2)
        {
            await output.WriteLineAsync($"mesh demo: '{examples}' needs at least two cluster directories of manifests (examples/cluster1, examples/cluster2, ...)");
            return 2;
        }
        var time = TimeProvider.System;
        var clusters = new List<DemoCluster>();
        // The agents' act edits manifests (a failover): work on a copy, never on the shipped examples.
        var work = Directory.CreateTempSubdirectory("mesh-demo-").FullName;
        foreach (var directory in directories)
        {
            var copy = Directory.CreateDirectory(Path.Combine(work, Path.GetFileName(directory))).FullName;
            foreach (var file in Directory.GetFiles(directory))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = new List<Task>();
        try
        {
            for (var i = 0; i < directories.Length; i++)
            {
                var name = Path.GetFileName(directories[i]);
                if (ClusterLimits.CheckClusterName(name, (uint)i + 1) is { } bad)
                {
                    await output.WriteLineAsync($"mesh demo: {bad.Detail}");
                    return 2;
                }
                var backend = new EmbeddedBackend(time);
                var kv = KvStoreFactory.Create(backend, new KvStoreOptions(), time, loggers);
                var source = new ManifestDirectorySource(Path.Combine(work, name), time, loggers.CreateLogger<ManifestDirectorySource>());
                var exporter = new ClusterExporter(kv, source, new ExportOptions(name, (uint)i + 1), time, loggers);
                clusters.Add(new DemoCluster(name, (uint)i + 1, backend, kv, exporter));
            }
            foreach (var cluster in clusters)
            {
                foreach (var peer in clusters.Where(c => c != cluster))
                {
                    cluster.Reflectors.Add(new RemoteClusterReflector(peer.Name, peer.Kv, cluster.Kv, new ClusterLimits(), cluster.Id, time, loggers));
                }
            }
            var started = DateTime.UtcNow;
            await output.WriteLineAsync($"Starting {clusters.Count} clusters ({string.Join(", ", clusters.Select(c => $"{c.Name} id {c.Id}"))}) on embedded kvstores, full mesh through KVStoreMesh...");
            runs.AddRange(clusters.Select(c => c.Exporter.RunAsync(stop.Token)));
            runs.AddRange(clusters.SelectMany(c => c.Reflectors).Select(r => r.RunAsync(stop.Token)));

            var ready = Task.WhenAll(clusters.Select(c => c.Exporter.ReadyTask).Concat(clusters.SelectMany(c => c.Reflectors).Select(r => r.ReadyTask)));
            if (await Task.WhenAny(ready, Task.Delay(timeout, cancellationToken)) != ready)
            {
                await output.WriteLineAsync($"mesh demo: not every cluster was synced within {timeout.TotalSeconds:0} s");
                await PrintStatusAsync(clusters, output);
                return 1;
            }
            await output.WriteLineAsync($"All clusters exported and meshed in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms.\n");
            await PrintStatusAsync(clusters, output);
            foreach (var cluster in clusters)
            {
                await PrintViewAsync(cluster, output, cancellationToken);
            }
            if (!await DemoAgents.RunAsync(clusters, work, output, timeout, runs, loggers, stop.Token))
            {
                return 1;
            }
            if (follow)
            {
                await output.WriteLineAsync("Following manifest changes; press Ctrl+C to stop.");
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            return 0;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task PrintStatusAsync(IReadOnlyList<DemoCluster> clusters, TextWriter output)
    {
        await output.WriteLineAsync("== clustermesh status");
        foreach (var cluster in clusters)
        {
            var counts = cluster.Exporter.Counts;
            await output.WriteLineAsync(
                $"{cluster.Name} (id {cluster.Id}): apiserver {(cluster.Exporter.IsReady ? "ready" : "NOT READY")}, exporting " +
                $"{counts[CiliumResource.Nodes]} nodes, {counts[CiliumResource.Identities]} identities, {counts[CiliumResource.Ips]} endpoints, {counts[CiliumResource.Services]} global services");
            foreach (var status in cluster.Reflectors.Select(r => r.Status))
            {
                var state = status.Ready ? "ready" : status.ConfigRetrieved ? "syncing" : "not connected";
                var error = status.LastError is { } e && !status.Ready ? $" ({e})" : string.Empty;
                await output.WriteLineAsync(
                    $"  - {status.Name,-10} {state,-13} id {status.ClusterId}  nodes {status.Counts[CiliumResource.Nodes]}, services {status.Counts[CiliumResource.Services]}, " +
                    $"identities {status.Counts[CiliumResource.Identities]}, endpoints {status.Counts[CiliumResource.Ips]}{error}");
            }
        }
        await output.WriteLineAsync();
    }

    private static async Task PrintViewAsync(DemoCluster cluster, TextWriter output, CancellationToken cancellationToken)
    {
        var clusters = new List<string> { cluster.Name };
        clusters.AddRange(cluster.Reflectors.Select(r => r.Name));
        await output.WriteLineAsync($"== what {cluster.Name} sees (own state + cilium/cache)");

        var identities = new List<string>();
        var endpoints = new List<string>();
        var services = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in clusters)
        {
            var cached = source != cluster.Name;
            foreach (var entry in (await cluster.Kv.ListPrefixAsync(CiliumKeys.AsPrefix(CiliumKeys.SourcePrefix(CiliumResource.Identities, source, cached)), cancellationToken)).Entries)
            {
                if (IdentityLabels.TryDecode(entry.Value.Span) is { Ok: true } labels)
                {
                    identities.Add($"{entry.Key[(entry.Key.LastIndexOf('/') + 1)..],9}  {source,-10} app={labels.Value.Get("app")} ns={labels.Value.Namespace}");
                }
            }
            foreach (var entry in (await cluster.Kv.ListPrefixAsync(CiliumKeys.AsPrefix(CiliumKeys.SourcePrefix(CiliumResource.Ips, source, cached)), cancellationToken)).Entries)
            {
                if (IpIdentityPairCodec.TryDecode(entry.Value) is { Ok: true } pair)
                {
                    endpoints.Add($"{pair.Value.PrefixString,-12} identity {pair.Value.Id,-7} {source,-10} {pair.Value.K8sNamespace}/{pair.Value.K8sPodName} on {pair.Value.HostIp}");
                }
            }
            foreach (var entry in (await cluster.Kv.ListPrefixAsync(CiliumKeys.AsPrefix(CiliumKeys.SourcePrefix(CiliumResource.Services, source, cached)), cancellationToken)).Entries)
            {
                if (ClusterServiceCodec.TryDecode(entry.Value) is { Ok: true } service)
                {
                    var key = $"{service.Value.Namespace}/{service.Value.Name}";
                    var backends = string.Join(", ", (service.Value.Backends ?? new Dictionary<string, IReadOnlyDictionary<string, L4Address>>())
                        .Select(b => $"{b.Key}:{string.Join('/', b.Value.Values.Select(p => p.Port.ToString(CultureInfo.InvariantCulture)))}"));
                    (services.TryGetValue(key, out var list) ? list : services[key] = []).Add($"{source}: [{backends}]");
                }
            }
        }
        var text = new StringBuilder();
        text.AppendLine($"  identities ({identities.Count}):");
        identities.ForEach(i => text.AppendLine($"    {i}"));
        text.AppendLine($"  endpoints / ipcache ({endpoints.Count}):");
        endpoints.ForEach(e => text.AppendLine($"    {e}"));
        text.AppendLine($"  global services ({services.Count}):");
        foreach (var (key, perCluster) in services)
        {
            text.AppendLine($"    {key}: backends from {perCluster.Count} clusters");
            perCluster.ForEach(p => text.AppendLine($"      {p}"));
        }
        await output.WriteLineAsync(text.ToString());
    }
}
