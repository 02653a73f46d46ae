using System.CommandLine;
using Mesh.ClusterMesh.Apiserver.EtcdInit;
using Mesh.ClusterMesh.Apiserver.Host;
using Mesh.KvStore.Etcd;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh apiserver</c> (run the clustermesh-apiserver) and <c>mesh apiserver etcd-init</c>.</summary>
internal static class ApiserverCommand
{
    public static Command Create()
    {
        var clusterName = new Option<string>("--cluster-name") { Description = "Name of the local cluster.", Required = true };
        var clusterId = new Option<uint>("--cluster-id") { Description = "ID of the local cluster (1..255, or 1..511).", Required = true };
        var endpoints = EndpointsOption();
        var (ca, cert, key) = TlsOptions();
        var manifests = new Option<string?>("--k8s-manifests") { Description = "Directory of Kubernetes manifests to export (live)." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig of the cluster to export." };
        var meshConfig = new Option<string?>("--clustermesh-config") { Description = "KVStoreMesh: one etcd client YAML per remote cluster, named after it." };
        var healthAddress = new Option<string>("--health-address") { Description = "Address of the health, status and metrics server.", DefaultValueFactory = _ => "0.0.0.0" };
        var healthPort = new Option<int>("--health-port") { Description = "Port of /healthz, /readyz, /metrics and /v1/status.", DefaultValueFactory = _ => 9880 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Extra port serving /metrics (0: none)." };
        var maxClusters = new Option<uint>("--max-connected-clusters") { Description = "255 or 511.", DefaultValueFactory = _ => 255 };
        var command = new Command("apiserver", "Run the clustermesh-apiserver: export this cluster into etcd in Cilium's schema and cache the remote clusters (KVStoreMesh).")
        {
            clusterName, clusterId, endpoints, ca, cert, key, manifests, kubeconfig, meshConfig, healthAddress, healthPort, metricsPort, maxClusters,
        };
        command.Subcommands.Add(EtcdInitCommand());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ApiserverOptions
            {
                ClusterName = parse.GetValue(clusterName)!,
                ClusterId = parse.GetValue(clusterId),
                KvStoreEndpoints = Split(parse.GetValue(endpoints)),
                KvStoreTlsCa = parse.GetValue(ca),
                KvStoreTlsCert = parse.GetValue(cert),
                KvStoreTlsKey = parse.GetValue(key),
                ManifestsDirectory = parse.GetValue(manifests),
                Kubeconfig = parse.GetValue(kubeconfig),
                ClusterMeshConfigDirectory = parse.GetValue(meshConfig),
                HealthAddress = parse.GetValue(healthAddress)!,
                HealthPort = parse.GetValue(healthPort),
                MetricsPort = parse.GetValue(metricsPort),
                MaxConnectedClusters = parse.GetValue(maxClusters),
            };
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh apiserver: {error}");
                }
                return MeshCommandLine.UsageError;
            }
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var output = parse.InvocationConfiguration.Output;
            return await ApiserverHost.RunAsync(options, loggers, urls => output.WriteLine($"clustermesh-apiserver for {options.ClusterName} serving on {urls}"), cancellationToken);
        });
        return command;
    }

    /// <summary><c>mesh apiserver etcd-init</c>; also <c>mesh clustermesh enable</c> (Cilium's CLI verb for the same step).</summary>
    internal static Command EtcdInitCommand(string name = "etcd-init", string prefix = "mesh apiserver etcd-init")
    {
        var clusterName = new Option<string>("--cluster-name") { Description = "Name of the local cluster.", Required = true };
        var endpoints = EndpointsOption();
        var (ca, cert, key) = TlsOptions();
        var remotes = new Option<string[]>("--remote-cluster") { Description = "A peer that gets its own remote-<peer> user (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command(name, "Prepare an etcd for clustermesh: Cilium's users and read-only roles, then enable authentication.")
        {
            clusterName, endpoints, ca, cert, key, remotes,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = new EtcdClientOptions
            {
                Endpoints = Split(parse.GetValue(endpoints)),
                CaFile = parse.GetValue(ca),
                CertFile = parse.GetValue(cert),
                KeyFile = parse.GetValue(key),
            };
            var errors = client.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"{prefix}: {error}");
                }
                return MeshCommandLine.UsageError;
            }
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            await using var etcd = EtcdClientFactory.Create(client, loggers);
            var plan = EtcdAccessPlan.For(parse.GetValue(clusterName)!, parse.GetValue(remotes) ?? []);
            await new EtcdAccessInitializer(etcd, loggers.CreateLogger<EtcdAccessInitializer>()).ApplyAsync(plan, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"etcd prepared: users {string.Join(", ", plan.Users.Select(u => u.User))}; authentication enabled");
            return 0;
        });
        return command;
    }

    private static Option<string> EndpointsOption() =>
        new("--kvstore-endpoints") { Description = "Comma-separated etcd endpoints (https://host:port).", Required = true };

    private static (Option<string?> Ca, Option<string?> Cert, Option<string?> Key) TlsOptions() =>
    (
        new Option<string?>("--kvstore-tls-ca") { Description = "CA that signed the etcd server certificate." },
        new Option<string?>("--kvstore-tls-cert") { Description = "Client certificate (its CN is the etcd user)." },
        new Option<string?>("--kvstore-tls-key") { Description = "Key of the client certificate." }
    );

    private static string[] Split(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
