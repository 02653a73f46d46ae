using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Bgp.Agent;
using Mesh.Bgp.Agent.Api;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh status</c>: this node at a glance, like <c>cilium status</c>: the agent's summary (remote clusters, tables,
/// maps, reconcilers) and, when its speaker answers, the BGP control plane's peers and configuration problems.
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var agent = new Option<string>("--agent") { Description = "Base URL of the agent's status endpoint.", DefaultValueFactory = _ => "http://127.0.0.1:9890" };
        var bgpApi = new Option<string>("--bgp-api") { Description = "Address of the BGP control API (host:port).", DefaultValueFactory = _ => $"127.0.0.1:{BgpAgentOptions.DefaultApiPort}" };
        var format = new Option<string>("--output", "-o") { Description = "summary or json.", DefaultValueFactory = _ => "summary" };
        format.AcceptOnlyFromAmong("summary", "json");
        var command = new Command("status", "Show this node's agent and BGP control plane at a glance.") { agent, bgpApi, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!Uri.TryCreate(parse.GetValue(agent), UriKind.Absolute, out var agentUri) || agentUri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"mesh status: --agent '{parse.GetValue(agent)}' is not an http(s) URL");
                return MeshCommandLine.UsageError;
            }
            if (!Bgp.BgpCommand.TryEndPoint(parse.GetValue(bgpApi)!, out var bgpEndPoint))
            {
                await error.WriteLineAsync($"mesh status: --bgp-api '{parse.GetValue(bgpApi)}' is not host:port");
                return MeshCommandLine.UsageError;
            }

            var (body, agentError) = await AgentCommand.FetchStatusAsync(agentUri.ToString(), cancellationToken);
            JsonObject? agentStatus = null;
            try
            {
                agentStatus = body is null ? null : JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException e)
            {
                agentError = e.Message;
            }

            StatusView? bgp = null;
            PeerView[] peers = [];
            try
            {
                using var http = BgpApiClient.CreateHttpClient(bgpEndPoint!);
                http.Timeout = TimeSpan.FromSeconds(5);
                var client = new BgpApiClient(http);
                bgp = await client.StatusAsync(cancellationToken);
                peers = await client.PeersAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or BgpApiException or JsonException)
            {
                // No speaker there: BGP is off on this node.
            }

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                var document = new JsonObject
                {
                    ["agent"] = agentStatus?.DeepClone(),
                    ["agent-error"] = agentError,
                    ["bgp"] = bgp is null ? null : JsonSerializer.SerializeToNode(new { status = bgp, peers }, BgpJson.Options),
                };
                await output.WriteLineAsync(document.ToJsonString(Indented));
            }
            else
            {
                await output.WriteAsync(Summary(agentStatus, agentError, parse.GetValue(agent)!, bgp, peers, bgpEndPoint!));
            }
            return agentStatus is null ? 1 : 0;
        });
        return command;
    }

    internal static string Summary(JsonObject? agent, string? agentError, string agentUrl, StatusView? bgp, IReadOnlyList<PeerView> peers, IPEndPoint bgpApi)
    {
        var text = new StringBuilder();
        if (agent is null)
        {
            text.AppendLine($"Agent:         unreachable at {agentUrl}: {agentError} (is 'mesh agent' running with that --health-port?)");
        }
        else
        {
            text.Append(AgentCommand.Summary(agent));
        }
        if (bgp is null)
        {
            text.AppendLine($"BGP:           not running (no control API at {bgpApi})");
            return text.ToString();
        }
        var established = peers.Count(p => p.SessionState == "established");
        text.AppendLine($"BGP:           node {bgp.Node}, {(bgp.Ready ? "running" : "waiting for its configuration")}, {established}/{peers.Count} peers established");
        foreach (var peer in peers)
        {
            var received = peer.Families.Sum(f => f.Received);
            var advertised = peer.Families.Sum(f => f.Advertised);
            text.AppendLine($"  {peer.PeerAddress,-20} AS{peer.PeerAsn,-10} {peer.SessionState,-12} {received} received, {advertised} advertised{(peer.LastError is { } last ? $" ({last})" : string.Empty)}");
        }
        foreach (var problem in bgp.Errors)
        {
            text.AppendLine($"  config error: {problem}");
        }
        return text.ToString();
    }
}
