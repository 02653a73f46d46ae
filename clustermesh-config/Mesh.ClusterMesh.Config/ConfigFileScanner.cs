using System.Security.Cryptography;
using System.Text;

namespace Mesh.ClusterMesh.Config;

/// <summary>
/// Reads the config directory once, with Cilium's rules: file name = cluster name; hidden entries (the <c>..data</c>
/// symlink and timestamped folders of a mounted Secret) and the local cluster's file are skipped; a file counts only
/// if it contains <c>endpoints:</c>; an unreadable file counts as absent.
/// </summary>
internal static class ConfigFileScanner
{
    public static List<ConfigFile> Scan(string directory, string localCluster, out string? directoryError)
    {
        var files = new List<ConfigFile>();
        directoryError = null;
        IEnumerable<string> paths;
        try
        {
            // Symlinks to files (how a mounted Secret presents its keys) are listed as files.
            paths = Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            directoryError = e.Message;
            return files;
        }
        foreach (var path in paths)
        {
            var name = System.IO.Path.GetFileName(path);
            if (name.Length == 0 || name.StartsWith('.') || name == localCluster)
            {
                continue;
            }
            byte[] content;
            try
            {
                content = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var text = Encoding.UTF8.GetString(content);
            if (!text.Contains(RemoteClusterConfig.Marker, StringComparison.Ordinal))
            {
                continue;
            }
            files.Add(new ConfigFile(name, path, text, Convert.ToHexStringLower(SHA256.HashData(content))));
        }
        return files;
    }
}
