using System.Text.Json;
using Mesh.KvStore.Etcd;
using Mesh.Kubernetes.Reading;
using YamlDotNet.Core;

namespace Mesh.ClusterMesh.Apiserver.Host.Configuration;

/// <summary>
/// One file of the clustermesh config directory (spec §3.1): file name = remote cluster name, content = etcd client
/// YAML (<c>endpoints</c>, <c>trusted-ca-file</c>, <c>cert-file</c>, <c>key-file</c>). Files without <c>endpoints:</c> are not
/// cluster configs; one named like the local cluster is ignored.
/// </summary>
public sealed record RemoteClusterConfig(string Name, EtcdClientOptions Client)
{
    public static IReadOnlyList<RemoteClusterConfig> LoadDirectory(string directory, string localCluster, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var configs = new List<RemoteClusterConfig>();
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.') || name == localCluster)
            {
                continue;
            }
            var text = File.ReadAllText(path);
            if (!text.Contains("endpoints:", StringComparison.Ordinal))
            {
                continue;
            }
            if (TryParse(name, text, path, out var config, out var error))
            {
                configs.Add(config);
            }
            else
            {
                errors.Add(error);
            }
        }
        return configs;
    }

    public static bool TryParse(string name, string yaml, string path, out RemoteClusterConfig config, out string error)
    {
        config = null!;
        try
        {
            var documents = YamlDocuments.Parse(yaml);
            var document = documents.Count > 0 ? documents[0] : default;
            if (document.ValueKind != JsonValueKind.Object)
            {
                error = $"{path}: not a YAML mapping";
                return false;
            }
            var endpoints = document.TryGetProperty("endpoints", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray()
                : [];
            var options = new EtcdClientOptions
            {
                Endpoints = endpoints,
                CaFile = Text(document, "trusted-ca-file"),
                CertFile = Text(document, "cert-file"),
                KeyFile = Text(document, "key-file"),
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                error = $"{path}: {string.Join("; ", problems)}";
                return false;
            }
            config = new RemoteClusterConfig(name, options);
            error = string.Empty;
            return true;
        }
        catch (YamlException e)
        {
            error = $"{path}: invalid YAML at line {e.Start.Line}: {e.Message}";
            return false;
        }
    }

    private static string? Text(JsonElement document, string field) =>
        document.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
