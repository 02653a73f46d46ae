using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Config;
using Mesh.ClusterMesh.Apiserver.Host.Http;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;
using Mesh.ClusterMesh.Apiserver.Metrics;
using Mesh.ClusterMesh.Export;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Manifests;
using Mesh.Kubernetes.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.Host;

/// <summary>
/// <c>mesh apiserver</c>: exports the cluster into its etcd, runs KVStoreMesh for the configured remotes, and serves
/// <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> and <c>/v1/status</c> until cancelled.
/// </summary>
public static partial class ApiserverHost
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(ApiserverOptions options, ILoggerFactory loggers, Action<string> ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(ready);
        var time = TimeProvider.System;

        using var prometheus = new PrometheusText(MetricNamespaces.Apiserver, "Mesh.");
        using var metrics = new SyncStoreMetrics();
        // KVStoreMesh's caches report the same kvstore metrics under its own namespace.
        using var meshMeters = new NamespacedMeterFactory(MetricNamespaces.KvStoreMesh);
        using var meshSyncMetrics = new SyncStoreMetrics(meshMeters);
        var localBackend = new EtcdKvBackend(EtcdClientFactory.Create(LocalClient(options), loggers, time));
        await using var localTransport = localBackend;
        await using var kv = KvStoreFactory.Create(localBackend, new KvStoreOptions(), time, loggers);
        IObjectSource source = options.ManifestsDirectory is { } manifests
            ? new ManifestDirectorySource(manifests, time, loggers.CreateLogger<ManifestDirectorySource>())
            : new KubernetesObjectSource(KubeConfigLoader.LoadFile(options.Kubeconfig!), time, loggers.CreateLogger<KubernetesObjectSource>());
        await using var exporter = new ClusterExporter(kv, source, new ExportOptions(options.ClusterName, options.ClusterId), time, loggers, metrics);

        // Every replica campaigns for each remote; the owner key's lease decides which one reflects it.
        var ownership = new EtcdRemoteOwnership(
            localBackend,
            new EtcdRemoteOwnershipOptions { Holder = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40], Ttl = options.OwnerLeaseTtl },
            time,
            loggers.CreateLogger<EtcdRemoteOwnership>());
        var mesh = new KvStoreMesh.KvStoreMesh(
            kv,
            new KvStoreMeshOptions
            {
                LocalClusterName = options.ClusterName,
                LocalClusterId = options.ClusterId,
                Limits = new ClusterLimits(options.MaxConnectedClusters),
                PerClusterReadyTimeout = options.PerClusterReadyTimeout,
                GlobalReadyTimeout = options.GlobalReadyTimeout,
            },
            remote =>
            {
                var backend = new EtcdKvBackend(EtcdClientFactory.Create(remote.ConnectOptions(), loggers, time));
                return new RemoteConnection(KvStoreFactory.Create(backend, new KvStoreOptions(), time, loggers), backend);
            },
            ownership,
            time,
            loggers,
            meshSyncMetrics);
        using var apiserverMetrics = new ApiserverMetrics(exporter, options.ClusterName, time);
        using var meshMetrics = new KvStoreMeshMetrics(mesh, options.ClusterName, time);
        var configDirectory = options.ClusterMeshConfigDirectory is { } dir
            ? new ClusterMeshConfigDirectory(dir, options.ClusterName, time, loggers.CreateLogger<ClusterMeshConfigDirectory>())
            : null;

        // No appsettings reload: each reload watcher costs an inotify instance (128 per user by default), and running out
        // makes the builder throw.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.HealthAddress), options.HealthPort);
            if (options.MetricsPort > 0)
            {
                kestrel.Listen(IPAddress.Parse(options.HealthAddress), options.MetricsPort);
            }
        });
        await using var app = builder.Build();
        app.MapGet("/healthz", async (CancellationToken ct) =>
        {
            var status = await kv.StatusAsync(ct);
            return status.Connected ? Results.Text("ok") : Results.Text($"kvstore unreachable: {status.LastError}", statusCode: 500);
        });
        app.MapGet("/readyz", () => exporter.IsReady && (configDirectory is null || mesh.IsReady)
            ? Results.Text("Ready")
            : Results.Text("NotReady", statusCode: 500));
        app.MapGet("/metrics", () => Results.Text(prometheus.Render(), "text/plain; version=0.0.4"));
        app.MapGet("/v1/status", async (CancellationToken ct) =>
            Results.Text(StatusJson(options, exporter, mesh.Statuses, await kv.StatusAsync(ct)).ToJsonString(Json), "application/json"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await app.StartAsync(stop.Token);
        ready(string.Join(", ", app.Urls));
        var runs = new List<Task> { exporter.RunAsync(stop.Token) };
        if (configDirectory is not null)
        {
            runs.Add(mesh.RunAsync(configDirectory.WatchAsync(stop.Token), stop.Token));
        }
        var first = await Task.WhenAny(runs.Append(Task.Delay(Timeout.Infinite, cancellationToken)));
        await stop.CancelAsync();
        await Task.WhenAll(runs).ContinueWith(_ => { }, TaskScheduler.Default);
        await app.StopAsync(CancellationToken.None);
        if (first.Exception is { } failure)
        {
            var logger = loggers.CreateLogger(typeof(ApiserverHost));
            var cause = failure.GetBaseException();
            LogRunFailed(logger, cause);
            return 1;
        }
        return 0;
    }

    private static EtcdClientOptions LocalClient(ApiserverOptions options) => new()
    {
        Endpoints = options.KvStoreEndpoints,
        CaFile = options.KvStoreTlsCa,
        CertFile = options.KvStoreTlsCert,
        KeyFile = options.KvStoreTlsKey,
        // Cilium's apiserver: etcd.qps=20 once synced, bootstrapQps=10000 until then.
        Qps = 20,
        BootstrapQps = 10_000,
    };

    /// <summary>The status document (field names of Cilium's ClusterMeshStatus/RemoteCluster, spec §2.8).</summary>
    internal static JsonObject StatusJson(ApiserverOptions options, ClusterExporter exporter, IReadOnlyList<RemoteClusterStatus> remotes, KvStoreStatus kvstore)
    {
        var synced = new JsonObject();
        foreach (var (resource, done) in exporter.Synced)
        {
            synced[Name(resource)] = done;
        }
        var counts = new JsonObject();
        foreach (var (resource, count) in exporter.Counts)
        {
            counts[Name(resource)] = count;
        }
        var clusters = new JsonArray();
        foreach (var status in remotes)
        {
            clusters.Add(new JsonObject
            {
                ["name"] = status.Name,
                ["ready"] = status.Ready,
                ["connected"] = status.Connected,
                ["status"] = status.LastError ?? (status.Ready ? "synced" : "syncing"),
                ["owned"] = status.Owned,
                ["config"] = new JsonObject
                {
                    ["required"] = true,
                    ["retrieved"] = status.ConfigRetrieved,
                    ["cluster-id"] = status.ClusterId,
                    ["kvstoremesh"] = false,
                    ["sync-canaries"] = true,
                },
                ["synced"] = new JsonObject
                {
                    ["nodes"] = status.Synced[CiliumResource.Nodes],
                    ["services"] = status.Synced[CiliumResource.Services],
                    ["identities"] = status.Synced[CiliumResource.Identities],
                    ["endpoints"] = status.Synced[CiliumResource.Ips],
                    ["service-exports"] = status.Synced[CiliumResource.ServiceExports],
                },
                ["num-nodes"] = status.Counts[CiliumResource.Nodes],
                ["num-shared-services"] = status.Counts[CiliumResource.Services],
                ["num-identities"] = status.Counts[CiliumResource.Identities],
                ["num-endpoints"] = status.Counts[CiliumResource.Ips],
                ["num-service-exports"] = status.Counts[CiliumResource.ServiceExports],
                ["num-failures"] = status.Failures,
                ["last-failure"] = status.LastFailure?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return new JsonObject
        {
            ["cluster"] = options.ClusterName,
            ["cluster-id"] = options.ClusterId,
            ["ready"] = exporter.IsReady,
            ["kvstore"] = new JsonObject
            {
                ["connected"] = kvstore.Connected,
                ["revision"] = kvstore.Revision,
                ["leases"] = kvstore.Leases,
                ["last-error"] = kvstore.LastError,
            },
            ["synced"] = synced,
            ["exported"] = counts,
            ["clusters"] = clusters,
        };
    }

    private static string Name(CiliumResource resource) => resource switch
    {
        CiliumResource.Ips => "endpoints",
        CiliumResource.ServiceExports => "service-exports",
        _ => resource.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "clustermesh-apiserver stopped after a failure")]
    private static partial void LogRunFailed(ILogger logger, Exception failure);
}
