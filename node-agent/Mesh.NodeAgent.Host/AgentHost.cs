using System.Net;
using System.Text.Json;
using Mesh.Bgp.Agent;
using Mesh.Bpf.Maps;
using Mesh.ClusterMesh.Config;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Client.Watching;
using Mesh.Kubernetes.Manifests;
using Mesh.Kubernetes.Sources;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Host.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host;

/// <summary>
/// <c>mesh agent</c>: the node agent with its inputs (manifests or Kubernetes, the clustermesh config directory),
/// its maps (pinned kernel maps or userspace) and <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, <c>/v1/status</c>.
/// </summary>
public static class AgentHost
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Runs until cancelled or until a part fails (exit code 1); <paramref name="bgpStarted"/> is told the BGP control API's address.</summary>
    public static async Task<int> RunAsync(AgentHostOptions options, ILoggerFactory loggers, Action<string> ready, CancellationToken cancellationToken, Action<string>? bgpStarted = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(ready);
        var time = TimeProvider.System;
        var source = Source(options, KubeResource.NodeAgent, time, loggers);
        using var maps = options.BpfOff
            ? BpfMapStores.Userspace(options.BpfStateDirectory, loggers.CreateLogger("Mesh.Bpf.Maps"))
            : BpfMapStores.Kernel(options.PinRoot, loggers.CreateLogger("Mesh.Bpf.Maps"));
        var datapath = options.DatapathTc ? new Programs.EndpointDatapathOptions { PinDirectory = options.PinRoot } : null;
        await using var agent = new NodeAgentRuntime(options.Agent, source, maps, time, loggers, datapath);

        // No appsettings reload: each reload watcher costs an inotify instance (128 per user by default), and running out
        // makes the builder throw.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.HealthAddress), options.HealthPort));
        await using var app = builder.Build();
        app.MapGet("/healthz", () => agent.Reconcilers.All(r => r.Level == Mesh.StateDb.Reconciliation.HealthLevel.Ok)
            ? Results.Text("ok")
            : Results.Text("degraded: " + string.Join("; ", agent.Reconcilers.Where(r => r.LastError is not null).Select(r => $"{r.Name}: {r.LastError}")), statusCode: 500));
        app.MapGet("/readyz", () => agent.IsReady ? Results.Text("Ready") : Results.Text("NotReady", statusCode: 500));
        app.MapGet("/metrics", () => Results.Text(AgentStatusJson.Metrics(agent.Status()), "text/plain; version=0.0.4"));
        app.MapGet("/v1/status", () => Results.Text(AgentStatusJson.Render(agent.Status()).ToJsonString(Json), "application/json"));
        app.MapGet("/v1/policy/identities", () => Results.Text(Policy.PolicyStatusJson.Identities(agent.PolicyStatus).ToJsonString(Json), "application/json"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await app.StartAsync(stop.Token);
        ready(string.Join(", ", app.Urls));
        var runs = new List<Task> { agent.RunAsync(stop.Token) };
        if (options.Bgp is { } bgp)
        {
            // Its own watch of the same objects: the BGP control plane keeps its own view, as Cilium's does.
            var bgpSource = Source(options, KubeResource.Bgp(bgp.SecretsNamespace), time, loggers);
            runs.Add(BgpAgentHost.RunAsync(bgp with { NodeName = options.Agent.NodeName }, bgpSource, loggers, bgpStarted, stop.Token));
        }
        if (options.ClusterMeshConfigDirectory is { } directory)
        {
            runs.Add(FollowConfigAsync(agent, new ClusterMeshConfigDirectory(directory, options.Agent.ClusterName, time, loggers.CreateLogger<ClusterMeshConfigDirectory>()), loggers, time, stop.Token));
        }
        else
        {
            agent.InitialRemotesKnown();
        }
        var first = await Task.WhenAny(runs.Append(Task.Delay(Timeout.Infinite, cancellationToken)));
        await stop.CancelAsync();
        await Task.WhenAll(runs).ContinueWith(_ => { }, TaskScheduler.Default);
        await app.StopAsync(CancellationToken.None);
        // The runtime logged what failed.
        return first.IsFaulted ? 1 : 0;
    }

    /// <summary>The local cluster's objects: the manifest directory, or these resources of the API server.</summary>
    private static IObjectSource Source(AgentHostOptions options, IReadOnlyList<KubeResource> resources, TimeProvider time, ILoggerFactory loggers) =>
        options.ManifestsDirectory is { } manifests
            ? new ManifestDirectorySource(manifests, time, loggers.CreateLogger<ManifestDirectorySource>())
            : new KubernetesObjectSource(
                KubeConfigLoader.LoadFile(options.Kubeconfig!),
                time,
                loggers.CreateLogger<KubernetesObjectSource>(),
                new KubernetesClientOptions { Resources = resources });

    /// <summary>Adds, reconnects and drains remote clusters as their files come, change and go (spec §3.1).</summary>
    internal static async Task FollowConfigAsync(NodeAgentRuntime agent, ClusterMeshConfigDirectory directory, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        await foreach (var change in directory.WatchAsync(cancellationToken))
        {
            switch (change.Kind)
            {
                case ClusterConfigChangeKind.Added or ClusterConfigChangeKind.Changed when change.Config is { } config:
                    agent.AddRemote(change.Name, () => KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(config.ConnectOptions(), loggers, time)), new KvStoreOptions(), time, loggers));
                    break;
                case ClusterConfigChangeKind.Removed:
                case ClusterConfigChangeKind.Added or ClusterConfigChangeKind.Changed:
                    await agent.RemoveRemoteAsync(change.Name);
                    break;
                case ClusterConfigChangeKind.InitialScanDone:
                    agent.InitialRemotesKnown();
                    break;
            }
        }
    }
}
