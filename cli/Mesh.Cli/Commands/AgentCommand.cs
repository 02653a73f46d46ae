using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Bgp.Agent;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Dump;
using Mesh.NodeAgent.Host;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh agent</c> (run a node agent), <c>mesh agent status</c> and <c>mesh agent maps dump</c>.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var nodeName = new Option<string>("--node-name") { Description = "Name of this node (its CiliumNode).", Required = true };
        var clusterName = new Option<string>("--cluster-name") { Description = "Name of the local cluster.", Required = true };
        var clusterId = new Option<uint>("--cluster-id") { Description = "ID of the local cluster (1..255, or 1..511).", Required = true };
        var manifests = new Option<string?>("--k8s-manifests") { Description = "Directory of Kubernetes manifests of the local cluster (live)." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig of the local cluster." };
        var meshConfig = new Option<string?>("--clustermesh-config") { Description = "One etcd client YAML per remote cluster, named after it." };
        var bpfRoot = new Option<string?>("--bpf-root") { Description = "Pin directory of the maps (default /sys/fs/bpf/mesh/<node>)." };
        var bpf = new Option<string>("--bpf") { Description = "on: kernel maps; off: userspace maps with the same encoding (no privileges).", DefaultValueFactory = _ => "on" };
        bpf.AcceptOnlyFromAmong("on", "off");
        var datapath = new Option<string>("--datapath") { Description = "off: program maps only; tc: also attach the endpoint datapath to each local endpoint's host-side interface (CiliumEndpoint annotation mesh.cilium.io/host-interface).", DefaultValueFactory = _ => "off" };
        datapath.AcceptOnlyFromAmong("off", "tc");
        var bpfState = new Option<string?>("--bpf-state-dir") { Description = "With --bpf=off: keep the userspace maps across restarts in this directory." };
        var cacheTtl = new Option<TimeSpan>("--clustermesh-cache-ttl") { Description = "Revoke a disconnected cluster's data after this long (0: never).", DefaultValueFactory = _ => TimeSpan.Zero };
        var syncTimeout = new Option<TimeSpan>("--clustermesh-sync-timeout") { Description = "How long pruning waits for the remotes' initial sync.", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var policyMapMax = new Option<int>("--bpf-policy-map-max") { Description = "Capacity of each endpoint's policy map; a policy needing more is reported degraded.", DefaultValueFactory = _ => Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultPolicyMaxEntries };
        var policyLocalCluster = new Option<bool>("--policy-default-local-cluster") { Description = "Peers of a policy without a cluster label select the local cluster only (Cilium's default).", DefaultValueFactory = _ => true };
        var lbMapMax = new Option<int>("--bpf-lb-map-max") { Description = "Capacity of each LB map (services, backends, reverse NAT).", DefaultValueFactory = _ => Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultLbMaxEntries };
        var maxClusters = new Option<uint>("--max-connected-clusters") { Description = "255 or 511.", DefaultValueFactory = _ => 255 };
        var healthAddress = new Option<string>("--health-address") { Description = "Address of /healthz, /readyz, /metrics and /v1/status.", DefaultValueFactory = _ => "127.0.0.1" };
        var bgpEnabled = new Option<bool>("--enable-bgp-control-plane") { Description = "Also run the BGP speaker for this node, configured by the cluster's CiliumBGP* resources." };
        var bgpRouterId = new Option<string?>("--bgp-router-id") { Description = "With BGP: router ID when no CiliumBGPNodeConfigOverride sets one (default: the node's IPv4 InternalIP)." };
        var bgpApi = new Option<string>("--bgp-api") { Description = $"With BGP: listen address of its control API and metrics, read by `mesh bgp peers|routes` ('none' disables it).", DefaultValueFactory = _ => $"127.0.0.1:{BgpAgentOptions.DefaultApiPort}" };
        var bgpSecrets = new Option<string>("--bgp-secrets-namespace") { Description = "With BGP: namespace of the Secrets that CiliumBGPPeerConfig authSecretRef names.", DefaultValueFactory = _ => "kube-system" };
        var healthPort = new Option<int>("--health-port") { Description = "Port of /healthz, /readyz, /metrics and /v1/status.", DefaultValueFactory = _ => 9890 };
        var command = new Command("agent", "Run a node agent: merge the local and remote clusters and program the LB and ipcache maps.")
        {
            nodeName, clusterName, clusterId, manifests, kubeconfig, meshConfig, bpfRoot, bpf, datapath, bpfState, lbMapMax, policyMapMax, policyLocalCluster, cacheTtl, syncTimeout, maxClusters, bgpEnabled, bgpRouterId, bgpApi, bgpSecrets, healthAddress, healthPort,
        };
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(MapsCommand());
        command.Subcommands.Add(AgentPolicyCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var bgp = parse.GetValue(bgpEnabled) ? BgpOptions(parse.GetValue(bgpRouterId), parse.GetValue(bgpApi)!, parse.GetValue(bgpSecrets)!, problems) : null;
            var options = new AgentHostOptions
            {
                Agent = new NodeAgentOptions
                {
                    NodeName = parse.GetValue(nodeName)!,
                    ClusterName = parse.GetValue(clusterName)!,
                    ClusterId = parse.GetValue(clusterId),
                    MaxConnectedClusters = parse.GetValue(maxClusters),
                    ClusterMeshCacheTtl = parse.GetValue(cacheTtl),
                    ClusterMeshSyncTimeout = parse.GetValue(syncTimeout),
                    LbMapMaxEntries = parse.GetValue(lbMapMax),
                    PolicyMapMaxEntries = parse.GetValue(policyMapMax),
                    PolicyDefaultLocalCluster = parse.GetValue(policyLocalCluster),
                },
                ManifestsDirectory = parse.GetValue(manifests),
                Kubeconfig = parse.GetValue(kubeconfig),
                ClusterMeshConfigDirectory = parse.GetValue(meshConfig),
                BpfRoot = parse.GetValue(bpfRoot),
                BpfOff = parse.GetValue(bpf) == "off",
                BpfStateDirectory = parse.GetValue(bpfState),
                DatapathTc = parse.GetValue(datapath) == "tc",
                Bgp = bgp,
                HealthAddress = parse.GetValue(healthAddress)!,
                HealthPort = parse.GetValue(healthPort),
            };
            problems.AddRange(options.Validate());
            if (problems.Count > 0)
            {
                foreach (var error in problems.Distinct())
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh agent: {error}");
                }
                return MeshCommandLine.UsageError;
            }
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var output = parse.InvocationConfiguration.Output;
            return await AgentHost.RunAsync(
                options,
                loggers,
                urls => output.WriteLine($"node agent {options.Agent.NodeName} ({options.Agent.ClusterName}) serving on {urls}"),
                cancellationToken,
                api => output.WriteLine($"BGP control plane for node {options.Agent.NodeName}; control API {api}"));
        });
        return command;
    }

    /// <summary>The BGP flags as speaker options; unusable values are added to <paramref name="problems"/> by flag.</summary>
    private static BgpAgentOptions BgpOptions(string? routerId, string api, string secretsNamespace, List<string> problems)
    {
        var (id, endPoint) = Bgp.BgpCommand.SpeakerFlags(routerId, "--bgp-router-id", api, "--bgp-api", problems);
        if (string.IsNullOrWhiteSpace(secretsNamespace))
        {
            problems.Add("--bgp-secrets-namespace is empty");
        }
        return new BgpAgentOptions { RouterId = id, ApiEndPoint = endPoint, SecretsNamespace = secretsNamespace };
    }

    private static Command StatusCommand()
    {
        var agent = new Option<string>("--agent") { Description = "Base URL of the agent's status endpoint.", DefaultValueFactory = _ => "http://127.0.0.1:9890" };
        var format = new Option<string>("--output", "-o") { Description = "summary or json.", DefaultValueFactory = _ => "summary" };
        format.AcceptOnlyFromAmong("summary", "json");
        var command = new Command("status", "Show a running agent's remote clusters, table counts and reconciler health.") { agent, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (body, error) = await FetchStatusAsync(parse.GetValue(agent)!, cancellationToken);
            if (body is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh agent status: cannot reach {parse.GetValue(agent)}: {error} (is 'mesh agent' running with that --health-port?)");
                return 1;
            }
            if (parse.GetValue(format) == "json")
            {
                await output.WriteLineAsync(body);
                return 0;
            }
            await output.WriteAsync(Summary(JsonNode.Parse(body)!.AsObject()));
            return 0;
        });
        return command;
    }

    /// <summary>A running agent's <c>/v1/status</c> document, or why it could not be read.</summary>
    internal static async Task<(string? Body, string? Error)> FetchStatusAsync(string agentUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            return (await http.GetStringAsync(new Uri(new Uri(agentUrl), "/v1/status"), cancellationToken), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>The agent-side status text (spec §5.6): one line per remote cluster, then tables and reconcilers.</summary>
    internal static string Summary(JsonObject status)
    {
        var text = new System.Text.StringBuilder();
        var clusters = status["clusters"]!.AsArray();
        var ready = clusters.Count(c => c!["ready"]!.GetValue<bool>());
        text.AppendLine($"Node {status["node"]} in {status["cluster"]} (id {status["cluster-id"]}), maps at {status["maps-location"]}: {(status["ready"]!.GetValue<bool>() ? "ready" : "NOT READY")}");
        text.AppendLine($"ClusterMesh:   {ready}/{clusters.Count} remote clusters ready, {clusters.Sum(c => c!["num-shared-services"]!.GetValue<int>())} global-services");
        foreach (var cluster in clusters)
        {
            var state = cluster!["ready"]!.GetValue<bool>() ? "ready" : "not-ready";
            text.AppendLine($"   {cluster["name"]}: {state}, {cluster["num-nodes"]} nodes, {cluster["num-endpoints"]} endpoints, {cluster["num-shared-services"]} services, {cluster["num-failures"]} failures (last: {cluster["last-failure"]?.ToString() ?? "never"})");
            if (!cluster["ready"]!.GetValue<bool>())
            {
                text.AppendLine($"   └  {cluster["status"]}");
            }
        }
        text.AppendLine("Tables:        " + string.Join(", ", status["tables"]!.AsObject().Select(t => $"{t.Key} {t.Value}")));
        foreach (var reconciler in status["reconcilers"]!.AsArray())
        {
            text.AppendLine($"Reconciler {reconciler!["name"]}: {reconciler["level"]}, {reconciler["updates"]} updates, {reconciler["errors"]} failing{(reconciler["last-error"] is { } e && reconciler["errors"]!.GetValue<int>() > 0 ? $" (last error: {e})" : string.Empty)}");
        }
        if (status["propagation"] is JsonObject propagation && propagation["count"]!.GetValue<long>() > 0)
        {
            text.AppendLine($"Propagation:   remote change → map write p50 {propagation["p50-ms"]} ms, p99 {propagation["p99-ms"]} ms over {propagation["count"]} changes");
        }
        return text.ToString();
    }

    private static Command MapsCommand()
    {
        var kind = new Argument<string>("map") { Description = string.Join("|", MapDumps.Kinds) };
        kind.AcceptOnlyFromAmong([.. MapDumps.Kinds]);
        var nodeName = new Option<string?>("--node-name") { Description = "Node whose maps to read (pins under /sys/fs/bpf/mesh/<node>)." };
        var bpfRoot = new Option<string?>("--bpf-root") { Description = "Pin directory of the maps." };
        var stateDir = new Option<string?>("--bpf-state-dir") { Description = "Read the userspace maps a --bpf=off agent keeps in this directory." };
        var format = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var dump = new Command("dump", "Print one of the agent's maps, decoded (like cilium-dbg bpf lb list / bpf ipcache list).") { kind, nodeName, bpfRoot, stateDir, format };
        dump.SetAction(async (parse, _) =>
        {
            var root = parse.GetValue(bpfRoot) ?? (parse.GetValue(nodeName) is { } node ? Path.Combine(BpfMapStores.DefaultPinRoot, node) : null);
            var state = parse.GetValue(stateDir);
            if ((root is null) == (state is null))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("mesh agent maps dump: give exactly one of --node-name, --bpf-root or --bpf-state-dir");
                return MeshCommandLine.UsageError;
            }
            using var store = state is not null ? BpfMapStores.Userspace(state) : BpfMapStores.Kernel(root!);
            var descriptor = MapDumps.DescriptorFor(parse.GetValue(kind)!)!;
            using var map = store.OpenExisting(descriptor.Name);
            if (map is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh agent maps dump: no map {descriptor.Name} in {store.Location}");
                return 1;
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                using var buffer = new MemoryStream();
                await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    MapDumps.WriteJson(parse.GetValue(kind)!, map.Dump(), writer);
                }
                await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                MapDumps.Table(parse.GetValue(kind)!, map.Dump()).Render(output);
            }
            return 0;
        });
        var maps = new Command("maps", "Read the agent's maps.");
        maps.Subcommands.Add(dump);
        return maps;
    }
}
