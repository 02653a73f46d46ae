using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mesh.Bgp.Agent;
using Mesh.Bgp.Agent.Api;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Commands.Bgp;

/// <summary>
/// <c>mesh bgp run</c> (the standalone speaker driven by Cilium BGP v2 manifests), and <c>mesh bgp peers</c> /
/// <c>mesh bgp routes [available|advertised|received]</c> / <c>mesh bgp routes add|del</c> against a running one.
/// </summary>
internal static class BgpCommand
{
    private static readonly string DefaultApi = $"127.0.0.1:{BgpAgentOptions.DefaultApiPort}";

    public static Command Create()
    {
        var command = new Command("bgp", "BGP control plane: run the speaker from Cilium BGP v2 resources, show peers and routes, inject routes.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(PeersCommand());
        command.Subcommands.Add(RoutesCommand());
        return command;
    }

    private static Option<string> ApiOption() =>
        new("--api") { Description = $"Address of the speaker's control API (host:port; default {DefaultApi}).", DefaultValueFactory = _ => DefaultApi };

    private static Option<string> OutputOption()
    {
        var output = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        return output;
    }

    private static Command RunCommand()
    {
        var nodeName = new Option<string>("--node-name") { Description = "This node's name (its CiliumNode, override and endpoints apply).", Required = true };
        var manifests = new Option<string>("--k8s-manifests") { Description = "Directory of Kubernetes manifests (CiliumBGP* resources, CiliumNode, Services...), followed live.", Required = true };
        var routerId = new Option<string?>("--router-id") { Description = "Router ID when no CiliumBGPNodeConfigOverride sets one (default: the node's IPv4 InternalIP)." };
        var api = new Option<string>("--api") { Description = $"Listen address of the control API and /metrics (default {DefaultApi}; 'none' disables it).", DefaultValueFactory = _ => DefaultApi };
        var command = new Command("run", "Run the BGP speaker for one node, configured by Cilium BGP v2 resources in a manifest directory.")
        {
            nodeName, manifests, routerId, api,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var (id, apiEndPoint) = SpeakerFlags(parse.GetValue(routerId), "--router-id", parse.GetValue(api)!, "--api", problems);

            var directory = parse.GetValue(manifests)!;
            if (!Directory.Exists(directory))
            {
                problems.Add($"--k8s-manifests '{directory}' is not a directory");
            }

            var options = new BgpAgentOptions { NodeName = parse.GetValue(nodeName)!, RouterId = id, ApiEndPoint = apiEndPoint };
            problems.AddRange(options.Validate());
            if (problems.Count > 0)
            {
                foreach (var problem in problems.Distinct())
                {
                    await error.WriteLineAsync($"mesh bgp run: {problem}");
                }

                return MeshCommandLine.UsageError;
            }

            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var output = parse.InvocationConfiguration.Output;
            return await BgpAgentHost.RunWithManifestsAsync(options, directory, loggers,
                url => output.WriteLine($"mesh bgp speaker for node {options.NodeName}; control API {url}"), cancellationToken);
        });
        return command;
    }

    private static Command PeersCommand()
    {
        var api = ApiOption();
        var output = OutputOption();
        var command = new Command("peers", "Show the peers of a running speaker: one row per peer and address family.") { api, output };
        command.SetAction((parse, cancellationToken) => WithClientAsync(parse, api, "peers", async client =>
        {
            var peers = await client.PeersAsync(cancellationToken);
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(peers, Indented));
                return 0;
            }

            var rows = new List<IReadOnlyList<string>>();
            foreach (var peer in peers)
            {
                var families = peer.Families.Count == 0 ? [new FamilyView(string.Empty, 0, 0)] : peer.Families;
                for (var i = 0; i < families.Count; i++)
                {
                    var f = families[i];
                    rows.Add(i == 0
                        ? [peer.Node, Number(peer.LocalAsn), Number(peer.PeerAsn), peer.PeerAddress, peer.SessionState, TextTable.Duration(peer.UptimeSeconds), f.Family, Number(f.Received), Number(f.Advertised)]
                        : ["", "", "", "", "", "", f.Family, Number(f.Received), Number(f.Advertised)]);
                }
            }

            await TextTable.WriteAsync(writer, ["Node", "Local AS", "Peer AS", "Peer Address", "Session State", "Uptime", "Family", "Received", "Advertised"], rows);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command RoutesCommand()
    {
        var table = new Argument<string>("table") { Description = "available (originated here), advertised (per peer) or received (per peer).", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "available" };
        table.AcceptOnlyFromAmong("available", "advertised", "received");
        var peer = new Option<string?>("--peer") { Description = "Only this peer (address)." };
        var api = ApiOption();
        var output = OutputOption();
        var command = new Command("routes", "Show routes of a running speaker, or add/del originated routes.") { table, peer, api, output };
        command.Subcommands.Add(ChangeCommand(add: true));
        command.Subcommands.Add(ChangeCommand(add: false));
        command.SetAction((parse, cancellationToken) =>
        {
            var which = parse.GetValue(table)!;
            var peerText = parse.GetValue(peer);
            if (peerText is not null && !IPAddress.TryParse(peerText, out _))
            {
                parse.InvocationConfiguration.Error.WriteLine($"mesh bgp routes: --peer '{peerText}' is not an IP address");
                return Task.FromResult(MeshCommandLine.UsageError);
            }

            return WithClientAsync(parse, api, "routes", async client =>
            {
                var routes = await client.RoutesAsync(which, peerText, cancellationToken);
                var writer = parse.InvocationConfiguration.Output;
                if (parse.GetValue(output) == "json")
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(routes, Indented));
                    return 0;
                }

                if (which == "available")
                {
                    await TextTable.WriteAsync(writer, ["Prefix", "NextHop", "Age", "Attrs"],
                        routes.Select(r => (IReadOnlyList<string>)[r.Prefix, r.NextHop, TextTable.Duration(r.AgeSeconds), r.Attributes]));
                }
                else
                {
                    await TextTable.WriteAsync(writer, ["Peer", "Prefix", "NextHop", "Age", "Attrs"],
                        routes.Select(r => (IReadOnlyList<string>)[r.Peer ?? string.Empty, r.Prefix, r.NextHop, TextTable.Duration(r.AgeSeconds), r.Attributes]));
                }

                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command ChangeCommand(bool add)
    {
        var name = add ? "add" : "del";
        var prefixes = new Argument<string[]>("prefix") { Description = "Prefixes (address/length).", Arity = ArgumentArity.ZeroOrMore };
        var fromFile = new Option<string?>("--from-file") { Description = "A file with one prefix per line ('#' starts a comment)." };
        var api = ApiOption();
        var command = new Command(name, add
            ? "Originate prefixes toward every peer (like 'gobgp global rib add'), with optional communities."
            : "Withdraw prefixes added with 'routes add'.")
        {
            prefixes, fromFile, api,
        };
        var communities = new Option<string[]>("--community") { Description = "Community a:b, a number, a well-known name (no-export...), or large a:b:c; repeatable.", AllowMultipleArgumentsPerToken = true };
        if (add)
        {
            command.Options.Add(communities);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var list = new List<string>(parse.GetValue(prefixes) ?? []);
            if (parse.GetValue(fromFile) is { } file)
            {
                if (!File.Exists(file))
                {
                    await error.WriteLineAsync($"mesh bgp routes {name}: --from-file '{file}' does not exist");
                    return MeshCommandLine.UsageError;
                }

                foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken))
                {
                    var text = line.Split('#')[0].Trim();
                    if (text.Length > 0)
                    {
                        list.Add(text);
                    }
                }
            }

            var bad = list.Where(p => !Mesh.Bgp.Codec.Nlri.Prefix.TryParse(p, out _)).ToList();
            var communityList = add ? parse.GetValue(communities) ?? [] : [];
            var problems = bad.Select(p => $"'{p}' is not a prefix (address/length)").ToList();
            if (list.Count == 0)
            {
                problems.Add("no prefixes given (arguments or --from-file)");
            }

            if (!CommunityText.TryBuild(communityList, out _, out var communityError))
            {
                problems.Add($"--community {communityError}");
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"mesh bgp routes {name}: {problem}");
                }

                return MeshCommandLine.UsageError;
            }

            return await WithClientAsync(parse, api, $"routes {name}", async client =>
            {
                var change = new RoutesChange(list, add ? communityList : null);
                var reply = add ? await client.AddRoutesAsync(change, cancellationToken) : await client.DeleteRoutesAsync(change, cancellationToken);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{(add ? "added" : "withdrew")} {reply.Count} prefixes");
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<int> WithClientAsync(ParseResult parse, Option<string> api, string name, Func<BgpApiClient, Task<int>> action, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var text = parse.GetValue(api)!;
        if (!TryEndPoint(text, out var endPoint))
        {
            await error.WriteLineAsync($"mesh bgp {name}: --api '{text}' is not host:port");
            return MeshCommandLine.UsageError;
        }

        using var http = BgpApiClient.CreateHttpClient(endPoint!);
        try
        {
            return await action(new BgpApiClient(http));
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException)
        {
            await error.WriteLineAsync($"mesh bgp {name}: cannot reach the speaker's control API at {text} ({e.InnerException.Message}); is 'mesh bgp run' running?");
            return 1;
        }
        catch (BgpApiException e)
        {
            await error.WriteLineAsync($"mesh bgp {name}: {e.Message}");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"mesh bgp {name}: the control API at {text} did not answer in time");
            return 1;
        }
    }

    /// <summary>
    /// A speaker's router-ID and control-API flags (<c>mesh bgp run</c>, <c>mesh agent --enable-bgp-control-plane</c>):
    /// unusable values are added to <paramref name="problems"/> under the caller's flag names; "none" turns the API off.
    /// </summary>
    internal static (IPAddress? RouterId, IPEndPoint? Api) SpeakerFlags(string? routerId, string routerIdFlag, string api, string apiFlag, List<string> problems)
    {
        IPAddress? id = null;
        if (routerId is not null && !IPAddress.TryParse(routerId, out id))
        {
            problems.Add($"{routerIdFlag} '{routerId}' is not an IP address");
        }
        IPEndPoint? endPoint = null;
        if (api != "none" && !TryEndPoint(api, out endPoint))
        {
            problems.Add($"{apiFlag} '{api}' is not host:port");
        }
        return (id, endPoint);
    }

    internal static bool TryEndPoint(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port != 0)
        {
            endPoint = parsed;
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && text[..colon] == "localhost" && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        return false;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Indented = new(BgpJson.Options) { WriteIndented = true };
}
