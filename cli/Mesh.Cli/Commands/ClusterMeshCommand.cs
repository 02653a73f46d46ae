using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh clustermesh status|enable|connect|disconnect</c>; status reads <c>/v1/status</c> of one or more apiservers and reports connectivity like Cilium's CLI.</summary>
internal static class ClusterMeshCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("clustermesh", "Connect clusters and inspect the cluster mesh.");
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(ApiserverCommand.EtcdInitCommand("enable", "mesh clustermesh enable"));
        command.Subcommands.Add(ClusterMeshConnectCommands.Connect());
        command.Subcommands.Add(ClusterMeshConnectCommands.Disconnect());
        return command;
    }

    private static Command StatusCommand()
    {
        var servers = new Option<string>("--apiserver") { Description = "Comma-separated status URLs of clustermesh-apiservers (http://host:port).", DefaultValueFactory = _ => "http://127.0.0.1:9880" };
        var wait = new Option<bool>("--wait") { Description = "Wait until every apiserver is ready and connected to all its clusters." };
        var waitDuration = new Option<int>("--wait-duration") { Description = "Seconds to wait with --wait.", DefaultValueFactory = _ => 900 };
        var output = new Option<string>("--output", "-o") { Description = "summary or json.", DefaultValueFactory = _ => "summary" };
        output.AcceptOnlyFromAmong("summary", "json");
        var command = new Command("status", "Show whether each apiserver is ready and connected to its remote clusters.") { servers, wait, waitDuration, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var urls = parse.GetValue(servers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var url in urls)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh clustermesh status: --apiserver: '{url}' is not an http(s) URL");
                    return MeshCommandLine.UsageError;
                }
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(waitDuration));
            while (true)
            {
                var reports = new List<(string Url, JsonObject? Status, string? Error)>();
                foreach (var url in urls)
                {
                    try
                    {
                        var text = await http.GetStringAsync(new Uri(new Uri(url), "/v1/status"), cancellationToken);
                        reports.Add((url, JsonNode.Parse(text) as JsonObject, null));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                    {
                        reports.Add((url, null, e.Message));
                    }
                }
                var errors = Errors(reports);
                if (errors.Count == 0 || !parse.GetValue(wait) || DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
                {
                    var writer = parse.InvocationConfiguration.Output;
                    await writer.WriteAsync(parse.GetValue(output) == "json" ? Json(reports, errors) : Summary(reports, errors));
                    return errors.Count == 0 ? 0 : 1;
                }
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        });
        return command;
    }

    private static List<string> Errors(IEnumerable<(string Url, JsonObject? Status, string? Error)> reports)
    {
        var errors = new List<string>();
        foreach (var (url, status, error) in reports)
        {
            if (status is null)
            {
                errors.Add($"{url}: unreachable ({error}); is the clustermesh-apiserver running?");
                continue;
            }
            var cluster = status["cluster"]?.GetValue<string>() ?? url;
            if (status["ready"]?.GetValue<bool>() != true)
            {
                errors.Add($"{cluster}: export not synced yet (waiting for the initial Kubernetes sync and canaries)");
            }
            foreach (var remote in status["clusters"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var name = remote["name"]?.GetValue<string>();
                if (remote["ready"]?.GetValue<bool>() == true)
                {
                    continue;
                }
                if (remote["config"]?["retrieved"]?.GetValue<bool>() != true)
                {
                    errors.Add($"{cluster} → {name}: remote cluster configuration required but not found or refused: {remote["status"]}; check the remote's apiserver and the clustermesh config file '{name}'");
                }
                else
                {
                    var pending = (remote["synced"] as JsonObject ?? []).Where(s => s.Value?.GetValue<bool>() != true).Select(s => s.Key);
                    errors.Add($"{cluster} → {name}: synchronization in progress for {string.Join(", ", pending)}");
                }
            }
        }
        return errors;
    }

    private static string Summary(IEnumerable<(string Url, JsonObject? Status, string? Error)> reports, List<string> errors)
    {
        var text = new StringBuilder();
        foreach (var (url, status, _) in reports)
        {
            if (status is null)
            {
                continue;
            }
            var remotes = status["clusters"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            var ready = remotes.Count(r => r["ready"]?.GetValue<bool>() == true);
            text.AppendLine(CultureInfo.InvariantCulture, $"{status["cluster"]} (id {status["cluster-id"]}) at {url}: {(status["ready"]?.GetValue<bool>() == true ? "ready" : "not ready")}, exporting {status["exported"]?.ToJsonString()}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{(ready == remotes.Count ? "✅" : "⚠️")} {ready}/{remotes.Count} remote clusters ready (KVStoreMesh)");
            if (remotes.Count > 0)
            {
                text.AppendLine("🔌 Cluster Connections:");
            }
            foreach (var remote in remotes)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  - {remote["name"]}: {(remote["ready"]?.GetValue<bool>() == true ? "ready" : "not-ready")}, {remote["num-nodes"]} nodes, {remote["num-endpoints"]} endpoints, " +
                    $"{remote["num-identities"]} identities, {remote["num-shared-services"]} services, {remote["num-failures"]} failures");
            }
        }
        if (errors.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"❌ {errors.Count} Errors:");
            errors.ForEach(e => text.AppendLine(CultureInfo.InvariantCulture, $"  ❌ {e}"));
        }
        return text.ToString();
    }

    private static string Json(IEnumerable<(string Url, JsonObject? Status, string? Error)> reports, List<string> errors)
    {
        var apiservers = new JsonArray();
        foreach (var (url, status, error) in reports)
        {
            apiservers.Add(new JsonObject { ["url"] = url, ["status"] = status?.DeepClone(), ["error"] = error });
        }
        return new JsonObject
        {
            ["apiservers"] = apiservers,
            ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode?)JsonValue.Create(e))]),
        }.ToJsonString(Indented) + Environment.NewLine;
    }
}
