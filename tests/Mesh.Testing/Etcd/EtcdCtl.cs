using Mesh.Testing.Certificates;
using Mesh.Testing.Processes;

namespace Mesh.Testing.Etcd;

/// <summary>Runs the real <c>etcdctl</c> (API v3) against one endpoint, as an independent witness of what is stored.</summary>
public sealed class EtcdCtl
{
    private static readonly Dictionary<string, string> Environment = new() { ["ETCDCTL_API"] = "3" };
    private readonly string[] _connection;

    public EtcdCtl(string endpoint, CertificateFiles? client = null, string? user = null)
    {
        var connection = new List<string> { $"--endpoints={endpoint}", "--command-timeout=20s", "--dial-timeout=5s" };
        if (client is not null)
        {
            connection.Add($"--cacert={client.CaPath}");
            connection.Add($"--cert={client.CertificatePath}");
            connection.Add($"--key={client.KeyPath}");
        }
        if (user is not null)
        {
            connection.Add($"--user={user}");
        }
        _connection = [.. connection];
    }

    /// <summary>Runs <c>etcdctl ARGS</c>; the result carries exit code and output (no throw).</summary>
    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(EtcdFixture.EtcdCtlBinary, _connection.Concat(arguments), Environment);

    public async Task PutAsync(string key, string value) => (await RunAsync("put", key, value)).EnsureSuccess();

    /// <summary>The value stored at <paramref name="key"/>, or null when absent.</summary>
    public async Task<string?> GetAsync(string key)
    {
        var result = (await RunAsync("get", key, "--print-value-only")).EnsureSuccess();
        var text = result.StandardOutput;
        return text.Length == 0 ? null : text.EndsWith('\n') ? text[..^1] : text;
    }

    /// <summary>Every key and value under <paramref name="prefix"/>, in key order.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> GetPrefixAsync(string prefix)
    {
        var result = (await RunAsync("get", prefix, "--prefix")).EnsureSuccess();
        var lines = result.StandardOutput.Split('\n');
        var pairs = new List<KeyValuePair<string, string>>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            pairs.Add(new(lines[i], lines[i + 1]));
        }
        return pairs;
    }
}
