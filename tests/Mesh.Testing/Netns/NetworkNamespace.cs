using System.Globalization;
using Mesh.Testing.Processes;

namespace Mesh.Testing.Netns;

/// <summary>
/// A network namespace owned by one test: uniquely named (<c>mt-PID-N-purpose</c>), configured through
/// <c>ip</c>, able to run commands and daemons inside, and deleted with everything in it on dispose.
/// Namespaces left by a test host that died are swept before the first new one is made.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    internal const string Prefix = "mt-";
    private static int _counter;
    private static int _swept;
    private readonly List<BackgroundProcess> _processes = [];
    private bool _disposed;

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>Creates a namespace with loopback up. <paramref name="purpose"/> is a short tag shown in its name.</summary>
    public static async Task<NetworkNamespace> CreateAsync(string purpose)
    {
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            await SweepStaleAsync();
        }
        var tag = new string(purpose.Where(char.IsAsciiLetterOrDigit).Take(12).ToArray());
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}-{tag}");
        await ProcessRunner.RunCheckedAsync("ip", "netns", "add", name);
        var created = new NetworkNamespace(name);
        try
        {
            await created.IpAsync("link", "set", "lo", "up");
            // No duplicate address detection: addresses are usable at once (routing daemons bind to them).
            await created.ExecCheckedAsync("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        }
        catch
        {
            await created.DisposeAsync();
            throw;
        }
        return created;
    }

    /// <summary>Runs <c>ip -n NAME ARGS</c> and throws on failure.</summary>
    public Task<ProcessResult> IpAsync(params string[] arguments) =>
        ProcessRunner.RunCheckedAsync("ip", ["-n", Name, .. arguments]);

    /// <summary>Runs a command inside the namespace; the result carries exit code and output.</summary>
    public Task<ProcessResult> ExecAsync(string fileName, params string[] arguments) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", Name, fileName, .. arguments]);

    public async Task<ProcessResult> ExecCheckedAsync(string fileName, params string[] arguments) =>
        (await ExecAsync(fileName, arguments)).EnsureSuccess();

    /// <summary>Starts a long-running process inside the namespace; it is killed when the namespace is disposed.</summary>
    public BackgroundProcess StartProcess(string fileName, params string[] arguments)
    {
        var process = BackgroundProcess.Start("ip", ["netns", "exec", Name, fileName, .. arguments]);
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    public Task AddAddressAsync(string device, string cidr) =>
        cidr.Contains(':', StringComparison.Ordinal)
            ? IpAsync("addr", "add", cidr, "dev", device, "nodad")
            : IpAsync("addr", "add", cidr, "dev", device);

    public Task SetUpAsync(string device) => IpAsync("link", "set", device, "up");

    public Task AddRouteAsync(string destination, string gateway) =>
        IpAsync(destination.Contains(':', StringComparison.Ordinal) ? "-6" : "-4", "route", "add", destination, "via", gateway);

    /// <summary>
    /// Connects this namespace to <paramref name="peer"/> with a veth pair (<paramref name="localDevice"/> here,
    /// <paramref name="peerDevice"/> there), both ends up. Device names are at most 15 characters.
    /// </summary>
    public async Task ConnectAsync(string localDevice, NetworkNamespace peer, string peerDevice)
    {
        ArgumentNullException.ThrowIfNull(peer);
        // Always "name X": a bare first word after "link add" can be parsed as a keyword.
        await IpAsync("link", "add", "name", localDevice, "type", "veth", "peer", "name", peerDevice, "netns", peer.Name);
        await SetUpAsync(localDevice);
        await peer.SetUpAsync(peerDevice);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        BackgroundProcess[] processes;
        lock (_processes)
        {
            processes = [.. _processes];
        }
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
        await DeleteAsync(Name);
    }

    /// <summary>True when <c>ip netns list</c> still shows <paramref name="name"/>.</summary>
    public static async Task<bool> ExistsAsync(string name)
    {
        var list = await ProcessRunner.RunCheckedAsync("ip", "netns", "list");
        return list.StandardOutput.Split('\n').Any(line => line.Split(' ')[0] == name);
    }

    private static async Task DeleteAsync(string name)
    {
        // Whatever still runs inside (started by hand or forked by a daemon) goes first, by PID.
        var pids = await ProcessRunner.RunAsync("ip", ["netns", "pids", name]);
        foreach (var line in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                await ProcessRunner.RunAsync("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)]);
            }
        }
        await ProcessRunner.RunAsync("ip", ["netns", "del", name]);
    }

    private static async Task SweepStaleAsync()
    {
        var list = await ProcessRunner.RunAsync("ip", ["netns", "list"]);
        foreach (var line in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var owner = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Signals.IsAlive(pid))
            {
                await DeleteAsync(name);
            }
        }
    }
}
