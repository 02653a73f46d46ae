using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Config;

/// <summary>
/// Follows the clustermesh config directory (spec §3.1): <see cref="WatchAsync"/> reports every cluster config present
/// (then <see cref="ClusterConfigChangeKind.InitialScanDone"/>) and afterwards each addition, content change and
/// removal. A <see cref="FileSystemWatcher"/> triggers rescans; a periodic rescan catches what it misses (symlink
/// swaps in mounted Secrets change no entry of the directory itself, inotify overflows, a directory created late).
/// </summary>
public sealed partial class ClusterMeshConfigDirectory
{
    /// <summary>Default period of the fallback rescan.</summary>
    public static readonly TimeSpan DefaultRescanInterval = TimeSpan.FromSeconds(10);

    // File events come in bursts (a Secret update renames and deletes several entries): one rescan per burst.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ClusterMeshConfigDirectory(string directory, string localCluster, TimeProvider time, ILogger<ClusterMeshConfigDirectory> logger, TimeSpan? rescanInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        LocalCluster = localCluster ?? string.Empty;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        RescanInterval = rescanInterval ?? DefaultRescanInterval;
        if (RescanInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(rescanInterval), "the rescan interval must be positive");
        }
    }

    public string Directory { get; }

    public string LocalCluster { get; }

    public TimeSpan RescanInterval { get; }

    /// <summary>
    /// The changes of the directory until cancelled (then the stream ends without an exception). Each call keeps its
    /// own state: every enumeration starts by reporting the current configs as added.
    /// </summary>
    public async IAsyncEnumerable<ClusterConfigChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var timer = _time.CreateTimer(static state => ((ChannelWriter<bool>)state!).TryWrite(true), wake.Writer, RescanInterval, RescanInterval);
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        FileSystemWatcher? watcher = null;
        var directoryMissing = false;
        try
        {
            var initial = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                watcher ??= TryWatch(wake.Writer);
                var files = ConfigFileScanner.Scan(Directory, LocalCluster, out var directoryError);
                if (directoryError is not null != directoryMissing)
                {
                    directoryMissing = directoryError is not null;
                    if (directoryMissing)
                    {
                        LogDirectoryUnreadable(Directory, directoryError!);
                    }
                }
                foreach (var change in Diff(known, files))
                {
                    LogChange(change.Kind, change.Name, change.Error ?? string.Empty);
                    yield return change;
                }
                if (initial)
                {
                    initial = false;
                    yield return ClusterConfigChange.InitialScanDone;
                }
                if (!await WaitAsync(wake.Reader, cancellationToken))
                {
                    yield break;
                }
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    /// <summary>What changed between the configs reported so far and this scan; updates <paramref name="known"/> (name → hash).</summary>
    internal static List<ClusterConfigChange> Diff(Dictionary<string, string> known, IReadOnlyList<ConfigFile> files)
    {
        var changes = new List<ClusterConfigChange>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            present.Add(file.Name);
            var exists = known.TryGetValue(file.Name, out var hash);
            if (exists && hash == file.Hash)
            {
                continue;
            }
            known[file.Name] = file.Hash;
            var kind = exists ? ClusterConfigChangeKind.Changed : ClusterConfigChangeKind.Added;
            changes.Add(RemoteClusterConfig.TryParse(file.Name, file.Text, file.Path, out var config, out var error)
                ? new ClusterConfigChange(kind, file.Name, config with { ContentHash = file.Hash })
                : new ClusterConfigChange(kind, file.Name, Error: error));
        }
        foreach (var name in known.Keys.Where(n => !present.Contains(n)).Order(StringComparer.Ordinal).ToList())
        {
            known.Remove(name);
            changes.Add(new ClusterConfigChange(ClusterConfigChangeKind.Removed, name));
        }
        return changes;
    }

    private async Task<bool> WaitAsync(ChannelReader<bool> wake, CancellationToken cancellationToken)
    {
        try
        {
            await wake.ReadAsync(cancellationToken);
            await Task.Delay(Settle, _time, cancellationToken);
            wake.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private FileSystemWatcher? TryWatch(ChannelWriter<bool> wake)
    {
        try
        {
            var watcher = new FileSystemWatcher(Directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => wake.TryWrite(true);
            watcher.Created += changed;
            watcher.Changed += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, _) => wake.TryWrite(true);
            watcher.Error += (_, e) =>
            {
                // Overflow or a vanished directory: rescan now; the periodic rescan keeps going either way.
                LogWatcherError(Directory, e.GetException().Message);
                wake.TryWrite(true);
            };
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Not there yet (or no inotify instances left): the periodic rescan covers it, and we try again next time.
            return null;
        }
    }

    [LoggerMessage(EventId = 5400, Level = LogLevel.Information, Message = "Cluster config {Kind}: {Cluster} {Error}")]
    private partial void LogChange(ClusterConfigChangeKind kind, string cluster, string error);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "Clustermesh config directory {Directory} cannot be read: {Reason}; treating it as empty")]
    private partial void LogDirectoryUnreadable(string directory, string reason);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning, Message = "Watching {Directory} failed: {Reason}; rescanning")]
    private partial void LogWatcherError(string directory, string reason);
}
