using System.Globalization;
using System.Text;

namespace Mesh.ClusterMesh.Config;

/// <summary>
/// Writes and removes one cluster config of the clustermesh config directory (what <c>mesh clustermesh
/// connect|disconnect</c> do): the etcd client YAML apiservers and agents read, checked with the same parser before it
/// is written, and written whole (a hidden temporary file renamed into place) so a live reader never sees half a file.
/// </summary>
public static class RemoteClusterConfigFile
{
    /// <summary>The YAML for a remote reached at <paramref name="endpoints"/>, with optional TLS files and host aliases.</summary>
    public static string Render(IReadOnlyList<string> endpoints, string? caFile, string? certFile, string? keyFile, IReadOnlyList<HostAlias> hostAliases)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(hostAliases);
        var yaml = new StringBuilder();
        yaml.Append(RemoteClusterConfig.Marker).Append('\n');
        foreach (var endpoint in endpoints)
        {
            yaml.Append("- ").Append(Quote(endpoint)).Append('\n');
        }
        AppendFile(yaml, "trusted-ca-file", caFile);
        AppendFile(yaml, "cert-file", certFile);
        AppendFile(yaml, "key-file", keyFile);
        if (hostAliases.Count > 0)
        {
            yaml.Append("cilium-host-aliases:\n");
            foreach (var alias in hostAliases)
            {
                yaml.Append("- hostname: ").Append(Quote(alias.Hostname)).Append('\n');
                yaml.Append("  ips: [").Append(string.Join(", ", alias.Ips.Select(ip => Quote(ip.ToString())))).Append("]\n");
            }
        }
        return yaml.ToString();
    }

    /// <summary>
    /// Writes <paramref name="yaml"/> as the config of <paramref name="remote"/> in <paramref name="directory"/> after
    /// parsing it as a reader would; returns the problem instead when it would not be usable.
    /// </summary>
    public static string? Write(string directory, string remote, string yaml)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(remote);
        ArgumentNullException.ThrowIfNull(yaml);
        if (!Directory.Exists(directory))
        {
            return $"config directory '{directory}' does not exist";
        }
        var path = Path.Combine(directory, remote);
        if (!RemoteClusterConfig.TryParse(remote, yaml, path, out var config, out var error))
        {
            return error;
        }
        foreach (var file in new[] { config.Client.CaFile, config.Client.CertFile, config.Client.KeyFile })
        {
            if (file is not null && !File.Exists(file))
            {
                return $"{path}: '{file}' does not exist";
            }
        }
        var temporary = Path.Combine(directory, $".{remote}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, path, overwrite: true);
        return null;
    }

    /// <summary>Removes the config of <paramref name="remote"/>; false when the directory has none.</summary>
    public static bool Remove(string directory, string remote)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(remote);
        var path = Path.Combine(directory, remote);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    private static void AppendFile(StringBuilder yaml, string key, string? file)
    {
        if (file is not null)
        {
            yaml.Append(key).Append(": ").Append(Quote(Path.GetFullPath(file))).Append('\n');
        }
    }

    // Single-quoted YAML scalars: nothing in them is special except the quote itself, which is doubled.
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
