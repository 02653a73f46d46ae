using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.NodeAgent.Host.Http;

/// <summary>The agent's <c>/v1/status</c> document (remote clusters with Cilium's field names, spec §2.8) and metrics.</summary>
public static class AgentStatusJson
{
    public static JsonObject Render(NodeAgentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var clusters = new JsonArray();
        foreach (var remote in status.Remotes)
        {
            clusters.Add(new JsonObject
            {
                ["name"] = remote.Name,
                ["ready"] = remote.Ready,
                ["connected"] = remote.Connected,
                ["status"] = remote.LastError ?? (remote.Ready ? "synced" : "syncing"),
                ["config"] = new JsonObject
                {
                    ["required"] = true,
                    ["retrieved"] = remote.ConfigRetrieved,
                    ["cluster-id"] = remote.ClusterId,
                    ["kvstoremesh"] = remote.Cached,
                    ["sync-canaries"] = true,
                },
                ["synced"] = new JsonObject
                {
                    ["nodes"] = remote.SyncedNodes,
                    ["services"] = remote.SyncedServices,
                    ["endpoints"] = remote.SyncedEndpoints,
                },
                ["num-nodes"] = remote.Nodes,
                ["num-shared-services"] = remote.SharedServices,
                ["num-endpoints"] = remote.Endpoints,
                ["num-rejected"] = remote.Rejected,
                ["num-failures"] = remote.Failures,
                ["last-failure"] = remote.LastFailure?.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        var tables = new JsonObject();
        foreach (var (name, count) in status.Tables)
        {
            tables[name] = count;
        }
        var reconcilers = new JsonArray();
        foreach (var health in status.Reconcilers)
        {
            reconcilers.Add(new JsonObject
            {
                ["name"] = health.Name,
                ["level"] = health.Level.ToString(),
                ["errors"] = health.ErrorCount,
                ["updates"] = health.UpdateCount,
                ["deletes"] = health.DeleteCount,
                ["prunes"] = health.PruneCount,
                ["last-error"] = health.LastError,
            });
        }
        var maps = new JsonArray();
        foreach (var map in status.Maps)
        {
            maps.Add(new JsonObject
            {
                ["name"] = map.Map,
                ["written"] = map.Written,
                ["unchanged"] = map.Skipped,
                ["deleted"] = map.Deleted,
                ["programming-seconds"] = Math.Round(map.ProgrammingTime.TotalSeconds, 6),
                ["entries-per-second"] = Math.Round(map.EntriesPerSecond),
                ["programming-cpu-seconds"] = Math.Round(map.ProgrammingCpuTime.TotalSeconds, 6),
                ["entries-per-cpu-second"] = Math.Round(map.EntriesPerCpuSecond),
                ["syscall-cpu-seconds"] = Math.Round(map.SyscallCpuTime.TotalSeconds, 6),
            });
        }
        var propagation = status.Propagation;
        static JsonNode? Millis(TimeSpan? value) => value is { } v ? Math.Round(v.TotalMilliseconds, 3) : null;
        return new JsonObject
        {
            ["node"] = status.Node,
            ["cluster"] = status.Cluster,
            ["cluster-id"] = status.ClusterId,
            ["maps-location"] = status.MapLocation,
            ["ready"] = status.Ready,
            ["clusters"] = clusters,
            ["tables"] = tables,
            ["reconcilers"] = reconcilers,
            ["maps"] = maps,
            ["propagation"] = new JsonObject
            {
                ["count"] = propagation.Count,
                ["p50-ms"] = Millis(propagation.P50),
                ["p90-ms"] = Millis(propagation.P90),
                ["p99-ms"] = Millis(propagation.P99),
                ["max-ms"] = Millis(propagation.Max),
                ["pending"] = propagation.Pending,
                ["dropped"] = propagation.Dropped,
            },
            ["errors"] = new JsonArray([.. status.Errors.Select(e => (JsonNode?)e)]),
            ["policy"] = Policy.PolicyStatusJson.Render(status.Policy),
        };
    }

    /// <summary>Prometheus text: Cilium's agent clustermesh metrics plus table and reconciler gauges.</summary>
    public static string Metrics(NodeAgentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        var source = $"source_cluster=\"{status.Cluster}\",source_node_name=\"{status.Node}\"";
        text.AppendLine("# TYPE cilium_clustermesh_remote_clusters gauge");
        text.AppendLine(CultureInfo.InvariantCulture, $"cilium_clustermesh_remote_clusters{{{source}}} {status.Remotes.Count}");
        var perRemote = status.Remotes.Select(r => ($"{source},target_cluster=\"{r.Name}\"", r)).ToList();
        Gauge(text, "cilium_clustermesh_remote_cluster_readiness_status", perRemote, r => r.Ready ? 1 : 0);
        Gauge(text, "cilium_clustermesh_remote_cluster_failures", perRemote, r => r.Failures);
        Gauge(text, "cilium_clustermesh_remote_cluster_last_failure_ts", perRemote, r => r.LastFailure?.ToUnixTimeSeconds() ?? 0);
        Gauge(text, "cilium_clustermesh_remote_cluster_nodes", perRemote, r => r.Nodes);
        Gauge(text, "cilium_clustermesh_remote_cluster_services", perRemote, r => r.SharedServices);
        Gauge(text, "mesh_agent_table_rows", [.. status.Tables.Select(t => ($"table=\"{t.Key}\"", t.Value))], count => count);
        var reconcilers = status.Reconcilers.Select(h => ($"reconciler=\"{h.Name}\"", h)).ToList();
        Gauge(text, "mesh_agent_reconciler_degraded", reconcilers, h => h.Level == Mesh.StateDb.Reconciliation.HealthLevel.Ok ? 0 : 1);
        Gauge(text, "mesh_agent_reconciler_errors", reconcilers, h => h.ErrorCount);
        Gauge(text, "mesh_agent_map_entries_written_total", [.. status.Maps.Select(m => ($"map=\"{m.Map}\"", m.Written))], written => written, "counter");
        Histogram(text, "mesh_agent_clustermesh_propagation_seconds", source, status.Propagation.Buckets);
        Gauge(text, "mesh_agent_policy_rejected", [(source, status.Policy)], p => p.Rejected);
        Gauge(text, "mesh_agent_policy_endpoints_degraded", [(source, status.Policy)], p => p.Degraded);
        Gauge(text, "mesh_agent_policy_identities", [(source, status.Policy)], p => p.Identities);
        Gauge(text, "mesh_agent_policy_map_entries", [.. status.Policy.Endpoints.Select(e => ($"{source},endpoint=\"{e.EndpointId}\"", e))], e => e.Entries);
        return text.ToString();
    }

    /// <summary>Remote kvstore change → map write latency as a Prometheus histogram.</summary>
    private static void Histogram(StringBuilder text, string name, string labels, Metrics.HistogramSnapshot histogram)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {name} histogram");
        for (var i = 0; i < histogram.Cumulative.Count; i++)
        {
            var le = i < histogram.Bounds.Count ? histogram.Bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
            text.AppendLine(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{le}\"}} {histogram.Cumulative[i]}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {histogram.SumSeconds.ToString("R", CultureInfo.InvariantCulture)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {histogram.Count}");
    }

    private static void Gauge<T>(StringBuilder text, string name, IReadOnlyList<(string Labels, T Item)> series, Func<T, long> value, string type = "gauge")
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {name} {type}");
        foreach (var (labels, item) in series)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value(item)}");
        }
    }
}
