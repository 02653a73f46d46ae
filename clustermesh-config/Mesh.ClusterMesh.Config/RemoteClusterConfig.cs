using System.Net;
using Mesh.KvStore.Etcd;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.ClusterMesh.Config;

/// <summary>
/// One cluster config of the clustermesh config directory (spec §3.1): file name = remote cluster name, content = etcd
/// client YAML (<c>endpoints</c>, <c>trusted-ca-file</c>, <c>cert-file</c>, <c>key-file</c>) plus the optional
/// <c>cilium-host-aliases</c>. <see cref="Client"/> holds the endpoints as written; connect with
/// <see cref="ConnectOptions"/>, which adds the host aliases.
/// </summary>
public sealed record RemoteClusterConfig(string Name, EtcdClientOptions Client)
{
    /// <summary>The marker that makes a file a cluster config (Cilium checks the same substring).</summary>
    public const string Marker = "endpoints:";

    public IReadOnlyList<HostAlias> HostAliases { get; init; } = [];

    /// <summary>Lower-case hex SHA-256 of the file content: a different hash means reconnect.</summary>
    public string ContentHash { get; init; } = string.Empty;

    /// <summary>
    /// The client options to connect with: the endpoints as written, with the host aliases as static resolution. The
    /// client dials an aliased host at its IPs in turn but verifies TLS against the host name: Cilium's server
    /// certificate names <c>*.mesh.cilium.io</c> and loopback, never the IPs the aliases point to.
    /// </summary>
    public EtcdClientOptions ConnectOptions()
    {
        if (HostAliases.Count == 0)
        {
            return Client;
        }
        var aliases = new Dictionary<string, IReadOnlyList<IPAddress>>(StringComparer.OrdinalIgnoreCase);
        foreach (var alias in HostAliases)
        {
            // Written twice (both shapes, or a repeated entry): the IPs of every mention, first ones first.
            aliases[alias.Hostname] = aliases.TryGetValue(alias.Hostname, out var known) ? [.. known.Concat(alias.Ips).Distinct()] : alias.Ips;
        }
        return Client with { HostAliases = aliases };
    }

    /// <summary>
    /// The cluster configs of <paramref name="directory"/> right now (one scan, no watching). Files that are cluster
    /// configs but cannot be used are reported in <paramref name="errors"/>.
    /// </summary>
    public static IReadOnlyList<RemoteClusterConfig> LoadDirectory(string directory, string localCluster, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var configs = new List<RemoteClusterConfig>();
        foreach (var file in ConfigFileScanner.Scan(directory, localCluster, out _))
        {
            if (TryParse(file.Name, file.Text, file.Path, out var config, out var error))
            {
                configs.Add(config with { ContentHash = file.Hash });
            }
            else
            {
                errors.Add(error);
            }
        }
        return configs;
    }

    /// <summary>Parses one file; relative certificate paths are relative to the file's directory.</summary>
    public static bool TryParse(string name, string yaml, string path, out RemoteClusterConfig config, out string error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        config = null!;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                error = $"{path}: not a YAML mapping";
                return false;
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            error = $"{path}: invalid YAML at line {e.Start.Line}: {e.Message}";
            return false;
        }

        var problems = new List<string>();
        var endpoints = new List<string>();
        switch (Child(root, "endpoints"))
        {
            case YamlSequenceNode list:
                endpoints.AddRange(list.Children.Select(e => (e as YamlScalarNode)?.Value ?? string.Empty));
                break;
            case YamlScalarNode { Value: { Length: > 0 } single }:
                endpoints.Add(single);
                break;
            default:
                problems.Add("endpoints must be a list of URLs");
                break;
        }
        var directory = Path.GetDirectoryName(path) ?? string.Empty;
        var options = new EtcdClientOptions
        {
            Endpoints = endpoints,
            CaFile = FilePath(root, "trusted-ca-file", directory),
            CertFile = FilePath(root, "cert-file", directory),
            KeyFile = FilePath(root, "key-file", directory),
        };
        var aliases = ParseHostAliases(Child(root, "cilium-host-aliases"), problems);
        problems.AddRange(options.Validate());
        if (problems.Count > 0)
        {
            error = $"{path}: {string.Join("; ", problems.Distinct(StringComparer.Ordinal))}";
            return false;
        }
        config = new RemoteClusterConfig(name, options) { HostAliases = aliases };
        error = string.Empty;
        return true;
    }

    /// <summary>Both shapes seen in Cilium: a list of <c>{hostname, ips}</c> and a map <c>{host: {ips: [...]}}</c>.</summary>
    private static List<HostAlias> ParseHostAliases(YamlNode? node, List<string> problems)
    {
        var aliases = new List<HostAlias>();
        switch (node)
        {
            case null:
            case YamlScalarNode { Value: null or "" or "null" or "~" }:
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    if (item is YamlMappingNode entry && Child(entry, "hostname") is YamlScalarNode { Value: { Length: > 0 } host })
                    {
                        AddAlias(aliases, host, Child(entry, "ips"), problems);
                    }
                    else
                    {
                        problems.Add("cilium-host-aliases: every list item needs a hostname and ips");
                    }
                }
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlScalarNode { Value: { Length: > 0 } host } && value is YamlMappingNode entry)
                    {
                        AddAlias(aliases, host, Child(entry, "ips"), problems);
                    }
                    else
                    {
                        problems.Add("cilium-host-aliases: every map entry needs the form <host>: {ips: [...]}");
                    }
                }
                break;
            default:
                problems.Add("cilium-host-aliases must be a list of {hostname, ips} or a map of host to {ips}");
                break;
        }
        return aliases;
    }

    private static void AddAlias(List<HostAlias> aliases, string host, YamlNode? ipsNode, List<string> problems)
    {
        var ips = new List<IPAddress>();
        if (ipsNode is YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                var text = (item as YamlScalarNode)?.Value;
                if (IPAddress.TryParse(text, out var ip))
                {
                    ips.Add(ip);
                }
                else
                {
                    problems.Add($"cilium-host-aliases: '{text}' of {host} is not an IP address");
                }
            }
        }
        if (ips.Count == 0)
        {
            problems.Add($"cilium-host-aliases: {host} has no ips");
            return;
        }
        aliases.Add(new HostAlias(host, ips));
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? FilePath(YamlMappingNode root, string key, string directory) =>
        Child(root, key) is YamlScalarNode { Value: { Length: > 0 } value } ? Path.Combine(directory, value) : null;
}
