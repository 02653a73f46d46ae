using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Bpf.Maps;
using Mesh.NodeAgent.Host.Policy;
using Mesh.Policy;
using Mesh.Policy.Maps;
using Mesh.Policy.Verdict;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh agent policy get</c> (an endpoint's programmed policy map, like <c>cilium bpf policy get</c>) and
/// <c>mesh agent policy verdict</c> (the datapath lookup of spec §4 on that map). Both read the programmed map from
/// the pins or the userspace state directory, never the agent's desired state. Identity labels come from the
/// running agent's <c>/v1/policy/identities</c>; when it cannot be reached, only the reserved identities are named.
/// </summary>
internal static class AgentPolicyCommand
{
    public static Command Create()
    {
        var policy = new Command("policy", "Read an endpoint's programmed policy map.");
        policy.Subcommands.Add(GetCommand());
        policy.Subcommands.Add(VerdictCommand());
        return policy;
    }

    private static (Option<string?> Node, Option<string?> Root, Option<string?> State, Option<string> Endpoint) Location()
    {
        var nodeName = new Option<string?>("--node-name") { Description = "Node whose maps to read (pins under /sys/fs/bpf/mesh/<node>)." };
        var bpfRoot = new Option<string?>("--bpf-root") { Description = "Pin directory of the maps." };
        var stateDir = new Option<string?>("--bpf-state-dir") { Description = "Read the userspace maps a --bpf=off agent keeps in this directory." };
        var endpoint = new Option<string>("--endpoint") { Description = "Endpoint ID (1..65535).", Required = true };
        return (nodeName, bpfRoot, stateDir, endpoint);
    }

    private static Command GetCommand()
    {
        var (nodeName, bpfRoot, stateDir, endpoint) = Location();
        var agent = new Option<string>("--agent") { Description = "Base URL of the agent's status endpoint, for identity labels.", DefaultValueFactory = _ => "http://127.0.0.1:9890" };
        var format = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("get", "Print an endpoint's policy map: identity with labels, direction, protocol, port/prefix, verdict.") { endpoint, nodeName, bpfRoot, stateDir, agent, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!TryEndpoint(parse.GetValue(endpoint)!, out var id))
            {
                await error.WriteLineAsync($"mesh agent policy get: --endpoint '{parse.GetValue(endpoint)}' is not an endpoint ID (1..65535)");
                return MeshCommandLine.UsageError;
            }
            var (map, code) = await ReadAsync("get", parse.GetValue(nodeName), parse.GetValue(bpfRoot), parse.GetValue(stateDir), id, error);
            if (map is null)
            {
                return code;
            }
            var labels = await LabelsAsync(parse.GetValue(agent)!, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            var rows = new PolicyMapState(id, map).Sorted();
            if (parse.GetValue(format) == "json")
            {
                var array = new JsonArray();
                foreach (var (key, entry) in rows)
                {
                    array.Add(new JsonObject
                    {
                        ["identity"] = key.Identity,
                        ["labels"] = LabelsOf(key.Identity, labels),
                        ["direction"] = key.Direction == TrafficDirection.Ingress ? "ingress" : "egress",
                        ["protocol"] = key.Protocol,
                        ["port"] = key.Port,
                        ["port-prefix"] = key.PortPrefixLength,
                        ["verdict"] = entry.Deny ? "deny" : "allow",
                        ["precedence"] = entry.Precedence,
                        ["lpm-prefix-length"] = entry.LpmPrefixLength,
                    });
                }
                await output.WriteLineAsync(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            await output.WriteLineAsync($"POLICY   DIRECTION   LABELS (source:key[=value])   PORT/PROTO   PROXY PORT   AUTH TYPE   BYTES   PACKETS   PREFIX");
            foreach (var (key, entry) in rows)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(entry.Deny ? "Deny" : "Allow"),-8} {(key.Direction == TrafficDirection.Ingress ? "Ingress" : "Egress"),-11} {key.Identity} {LabelsOf(key.Identity, labels)}   {PortText(key)}   {entry.ProxyPort}   0   -   -   {key.PrefixLength}"));
            }
            if (labels is null)
            {
                await output.WriteLineAsync($"(agent at {parse.GetValue(agent)} unreachable: only reserved identities are named)");
            }
            return 0;
        });
        return command;
    }

    private static Command VerdictCommand()
    {
        var (nodeName, bpfRoot, stateDir, endpoint) = Location();
        var direction = new Option<string>("--direction") { Description = "ingress or egress.", Required = true };
        var identity = new Option<string>("--identity") { Description = "Peer security identity.", Required = true };
        var protocol = new Option<string>("--protocol") { Description = "tcp, udp or sctp.", Required = true };
        var port = new Option<string>("--port") { Description = "Destination port (0..65535).", Required = true };
        var command = new Command("verdict", "Decide a new connection with the datapath's lookup on the programmed map: ALLOW or DROP and the deciding entry.")
        {
            endpoint, direction, identity, protocol, port, nodeName, bpfRoot, stateDir,
        };
        command.SetAction(async (parse, _) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            if (!TryEndpoint(parse.GetValue(endpoint)!, out var id))
            {
                problems.Add($"--endpoint '{parse.GetValue(endpoint)}' is not an endpoint ID (1..65535)");
            }
            TrafficDirection? dir = parse.GetValue(direction)?.ToLowerInvariant() switch
            {
                "ingress" => TrafficDirection.Ingress,
                "egress" => TrafficDirection.Egress,
                _ => null,
            };
            if (dir is null)
            {
                problems.Add($"--direction '{parse.GetValue(direction)}' is neither ingress nor egress");
            }
            if (!uint.TryParse(parse.GetValue(identity), NumberStyles.None, CultureInfo.InvariantCulture, out var peer))
            {
                problems.Add($"--identity '{parse.GetValue(identity)}' is not a numeric identity");
            }
            byte? proto = parse.GetValue(protocol)?.ToLowerInvariant() switch
            {
                "tcp" => 6,
                "udp" => 17,
                "sctp" => 132,
                _ => null,
            };
            if (proto is null)
            {
                problems.Add($"--protocol '{parse.GetValue(protocol)}' is not tcp, udp or sctp");
            }
            if (!ushort.TryParse(parse.GetValue(port), NumberStyles.None, CultureInfo.InvariantCulture, out var dport))
            {
                problems.Add($"--port '{parse.GetValue(port)}' is not a port (0..65535)");
            }
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"mesh agent policy verdict: {problem}");
                }
                return MeshCommandLine.UsageError;
            }
            var (map, code) = await ReadAsync("verdict", parse.GetValue(nodeName), parse.GetValue(bpfRoot), parse.GetValue(stateDir), id, error);
            if (map is null)
            {
                return code;
            }
            var verdict = DatapathVerdict.Evaluate(map, dir!.Value, peer, proto!.Value, dport);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(verdict.Allowed ? "ALLOW" : "DROP");
            await output.WriteLineAsync(verdict.Key is { } key
                ? $"decided by {key} = {verdict.Entry} (precedence 0x{verdict.Entry!.Value.Precedence:X8}, prefix {key.PrefixLength})"
                : "no entry matched (DROP_POLICY)");
            return 0;
        });
        return command;
    }

    private static async Task<(IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry>? Map, int Code)> ReadAsync(string verb, string? node, string? root, string? state, ushort endpoint, TextWriter error)
    {
        root ??= node is not null ? Path.Combine(BpfMapStores.DefaultPinRoot, node) : null;
        if ((root is null) == (state is null))
        {
            await error.WriteLineAsync($"mesh agent policy {verb}: give exactly one of --node-name, --bpf-root or --bpf-state-dir");
            return (null, MeshCommandLine.UsageError);
        }
        using var store = state is not null ? BpfMapStores.Userspace(state) : BpfMapStores.Kernel(root!);
        var map = PolicyMapReader.Read(store, endpoint);
        if (map is null)
        {
            await error.WriteLineAsync($"mesh agent policy {verb}: endpoint {endpoint} has no policy map in {store.Location}");
            return (null, 1);
        }
        return (map, 0);
    }

    private static bool TryEndpoint(string text, out ushort id) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>Labels by identity from the agent, or null when it cannot be reached.</summary>
    private static async Task<JsonObject?> LabelsAsync(string agent, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var body = await http.GetStringAsync(new Uri(new Uri(agent), "/v1/policy/identities"), cancellationToken);
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or JsonException)
        {
            return null;
        }
    }

    private static string LabelsOf(uint identity, JsonObject? labels)
    {
        if (identity == 0)
        {
            return "ANY";
        }
        if (labels?[identity.ToString(CultureInfo.InvariantCulture)]?.GetValue<string>() is { } text)
        {
            return text;
        }
        return identity switch
        {
            1 => "reserved:host",
            2 => "reserved:world",
            3 => "reserved:unmanaged",
            4 => "reserved:health",
            5 => "reserved:init",
            6 => "reserved:remote-node",
            7 => "reserved:kube-apiserver;reserved:remote-node",
            8 => "reserved:ingress",
            9 => "reserved:world-ipv4",
            10 => "reserved:world-ipv6",
            _ => "(labels unknown)",
        };
    }

    private static string PortText(PolicyMapKey key)
    {
        if (key.Protocol == 0)
        {
            return "ANY";
        }
        var proto = key.Protocol switch
        {
            6 => "TCP",
            17 => "UDP",
            132 => "SCTP",
            1 => "ICMP",
            58 => "ICMPv6",
            _ => key.Protocol.ToString(CultureInfo.InvariantCulture),
        };
        return key.PortPrefixLength switch
        {
            0 => $"ANY/{proto}",
            16 => $"{key.Port}/{proto}",
            _ => $"{key.Port}-{key.LastPort}/{proto}",
        };
    }
}
