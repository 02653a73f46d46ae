using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;

namespace Mesh.Kubernetes.Manifests;

/// <summary>
/// A directory of <c>*.yaml</c>/<c>*.yml</c> files (multi-document) as the desired set of objects: files added,
/// changed or removed add, update or delete objects live. A file that does not parse keeps its last good objects;
/// an object that does not read is logged with file and name and skipped (its last good version stays).
/// </summary>
public sealed partial class ManifestDirectorySource : IObjectSource
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly Func<string, FileSystemWatcher> _createWatcher;

    public ManifestDirectorySource(string directory, TimeProvider time, ILogger<ManifestDirectorySource> logger, TimeSpan? pollInterval = null)
        : this(directory, time, logger, pollInterval, path => new FileSystemWatcher(path))
    {
    }

    /// <summary>For tests: a watcher factory that can fail the way an exhausted inotify limit does.</summary>
    internal ManifestDirectorySource(string directory, TimeProvider time, ILogger<ManifestDirectorySource> logger, TimeSpan? pollInterval, Func<string, FileSystemWatcher> createWatcher)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        _createWatcher = createWatcher ?? throw new ArgumentNullException(nameof(createWatcher));
    }

    public async IAsyncEnumerable<ObjectEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"manifest directory '{_directory}' does not exist");
        }
        var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = TryWatch(changed.Writer);

        // The first listing streams: each file's objects go out as soon as it and the files before it are parsed,
        // so a consumer starts on them while the rest is still being read. An object in several files goes out once
        // per file, in file order, so the last file's wins as in every rescan; the merged set rescans compare against
        // is put together at the first rescan, not while a large cluster bootstraps.
        var initial = LoadInOrder(ManifestPaths(), cancellationToken);
        foreach (var (path, load) in initial)
        {
            if (await load is not { } file)
            {
                continue;
            }
            files[path] = file;
            foreach (var (_, value) in file.Objects)
            {
                yield return new ObjectEvent(ObjectEventType.Upsert, value.Object);
            }
        }
        yield return ObjectEvent.Synced;
        Dictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)>? current = null;

        while (!cancellationToken.IsCancellationRequested)
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            poll.CancelAfter(_pollInterval);
            try
            {
                await changed.Reader.ReadAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Poll interval elapsed: rescan anyway (file events can be missed).
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            current ??= Merged(files, files.Keys.Order(StringComparer.Ordinal));
            foreach (var change in Rescan(files, current))
            {
                yield return change;
            }
        }
    }

    /// <summary>Every file's objects in one set; later files win on duplicates (sorted order), as kubectl apply of a directory would leave them.</summary>
    private static Dictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)> Merged(Dictionary<string, ManifestFile> files, IEnumerable<string> paths)
    {
        var merged = new Dictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)>();
        foreach (var path in paths)
        {
            if (files.TryGetValue(path, out var file))
            {
                foreach (var (key, value) in file.Objects)
                {
                    merged[key] = value;
                }
            }
        }
        return merged;
    }

    /// <summary>
    /// Parses the files in order on one dedicated thread per core, each file's result a task that completes when it is
    /// read. Not a thread-pool task per file: a large directory then filled the pool's queue, and everything else queued
    /// behind it (the consumer writing the first objects out, its network I/O) waited until every file was parsed.
    /// </summary>
    private List<(string Path, Task<ManifestFile?> Load)> LoadInOrder(List<string> paths, CancellationToken cancellationToken)
    {
        var loads = paths.Select(path => (Path: path, Result: new TaskCompletionSource<ManifestFile?>(TaskCreationOptions.RunContinuationsAsynchronously))).ToList();
        var next = -1;
        for (var worker = 0; worker < Math.Min(Environment.ProcessorCount, paths.Count); worker++)
        {
            _ = Task.Factory.StartNew(
                () =>
                {
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < loads.Count)
                    {
                        var (path, result) = loads[index];
                        if (cancellationToken.IsCancellationRequested)
                        {
                            result.TrySetCanceled(cancellationToken);
                            continue;
                        }
                        try
                        {
                            result.TrySetResult(TryLoad(path, new FileInfo(path), null));
                        }
                        catch (Exception e)
                        {
                            result.TrySetException(e);
                        }
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }
        return [.. loads.Select(l => (l.Path, l.Result.Task))];
    }

    /// <summary>
    /// File events make changes show at once; without them (the user's inotify instances exhausted, a file system
    /// without notifications) the periodic rescan alone keeps the objects current.
    /// </summary>
    private FileSystemWatcher? TryWatch(ChannelWriter<bool> wake)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = _createWatcher(_directory);
            watcher.IncludeSubdirectories = false;
            FileSystemEventHandler signal = (_, _) => wake.TryWrite(true);
            watcher.Changed += signal;
            watcher.Created += signal;
            watcher.Deleted += signal;
            watcher.Renamed += (_, _) => wake.TryWrite(true);
            watcher.Error += (_, _) => wake.TryWrite(true);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            LogNoFileEvents(_directory, e.Message, _pollInterval.TotalSeconds);
            return null;
        }
    }

    /// <summary>Reads changed files, then reports the difference between the old and new object sets.</summary>
    private List<ObjectEvent> Rescan(Dictionary<string, ManifestFile> files, Dictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)> current)
    {
        var present = ManifestPaths();
        foreach (var removed in files.Keys.Except(present).ToList())
        {
            files.Remove(removed);
        }
        // Files are independent: read and parse the changed ones in parallel (large manifest sets are CPU-bound).
        var changed = new List<(string Path, FileInfo Info)>();
        foreach (var path in present)
        {
            var info = new FileInfo(path);
            if (!files.TryGetValue(path, out var known) || known.ModifiedUtc != info.LastWriteTimeUtc || known.Length != info.Length)
            {
                changed.Add((path, info));
            }
        }
        var loaded = new ManifestFile?[changed.Count];
        Parallel.For(0, changed.Count, i => loaded[i] = TryLoad(changed[i].Path, changed[i].Info, files.GetValueOrDefault(changed[i].Path)));
        for (var i = 0; i < changed.Count; i++)
        {
            if (loaded[i] is { } file)
            {
                files[changed[i].Path] = file;
            }
        }

        var next = Merged(files, present);
        var events = new List<ObjectEvent>();
        foreach (var (key, (obj, _)) in current)
        {
            if (!next.ContainsKey(key))
            {
                events.Add(new ObjectEvent(ObjectEventType.Delete, obj));
            }
        }
        foreach (var (key, (obj, content)) in next)
        {
            if (!current.TryGetValue(key, out var old) || old.Content != content)
            {
                events.Add(new ObjectEvent(ObjectEventType.Upsert, obj));
            }
        }
        current.Clear();
        foreach (var (key, value) in next)
        {
            current[key] = value;
        }
        return events;
    }

    private List<string> ManifestPaths() => Directory.EnumerateFiles(_directory)
        .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The file's objects, or null (logged) when it cannot be read.</summary>
    private ManifestFile? TryLoad(string path, FileInfo info, ManifestFile? previous)
    {
        try
        {
            // The file's time and size are taken before its text: a write racing the read then shows as a change
            // on the next scan instead of being missed.
            _ = info.LastWriteTimeUtc;
            var (text, length) = ReadPooled(path);
            try
            {
                return Load(path, text.AsMemory(0, length), info, previous);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(text);
            }
        }
        catch (IOException e)
        {
            LogUnreadable(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            LogUnreadable(path, e.Message);
        }
        return null;
    }

    /// <summary>
    /// The file's text (encoding and byte order mark handled as <see cref="File.ReadAllText(string)"/> does) in a pooled
    /// buffer: a large manifest is megabytes of text, and a fresh string per read was large-object-heap churn.
    /// </summary>
    private static (char[] Text, int Length) ReadPooled(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        // A character takes at least one byte in every encoding the reader detects.
        var text = ArrayPool<char>.Shared.Rent((int)Math.Min(Array.MaxLength, reader.BaseStream.Length + 1));
        var length = 0;
        try
        {
            int read;
            while ((read = reader.ReadBlock(text, length, text.Length - length)) > 0)
            {
                length += read;
                if (length == text.Length)
                {
                    // The file grew while being read: make room and go on.
                    var larger = ArrayPool<char>.Shared.Rent(text.Length * 2);
                    text.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(text);
                    text = larger;
                }
            }
            return (text, length);
        }
        catch
        {
            ArrayPool<char>.Shared.Return(text);
            throw;
        }
    }

    private ManifestFile Load(string path, ReadOnlyMemory<char> text, FileInfo info, ManifestFile? previous)
    {
        YamlDocumentSet documents;
        try
        {
            documents = YamlDocuments.ParseScoped(text, readBulkKinds: true);
        }
        catch (YamlException e)
        {
            LogBadYaml(path, e.Start.Line, e.Message);
            // Keep what the file had; remember this version so it is not re-read until it changes again.
            return new ManifestFile(info.LastWriteTimeUtc, info.Length, previous?.Objects ?? new Dictionary<ManifestObjectKey, (IKubeObject, UInt128)>());
        }
        // The pooled buffers go back once this file's objects are read.
        using var owned = documents;
        var objects = new Dictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            try
            {
                // The bulk kinds straight from their YAML or their JSON text; every other object (and every error) from the
                // parsed document.
                if ((documents.ReadObject(i) ?? BulkObjectReader.TryRead(documents.Json(i)) ?? KubeObjectReader.Read(documents[i])) is { } obj)
                {
                    objects[ManifestObjectKey.Of(obj)] = (obj, documents.Content(i));
                }
            }
            catch (KubeObjectException e)
            {
                var document = TryGetDocument(documents, i);
                LogBadObject(path, document is { } d ? KubeObjectReader.Describe(d) : $"document {i + 1}", e.Message);
                // Its last good version (same kind and name) stays.
                if (previous is not null && document is { } raw && KeyOf(raw) is { } key && TryGetLastGood(previous, key, out var lastKey, out var last))
                {
                    objects[lastKey] = last;
                }
            }
        }
        return new ManifestFile(info.LastWriteTimeUtc, info.Length, objects);
    }

    /// <summary>Document <paramref name="index"/> parsed, or null when its JSON form does not parse (the error says so).</summary>
    private static JsonElement? TryGetDocument(YamlDocumentSet documents, int index)
    {
        try
        {
            return documents[index];
        }
        catch (KubeObjectException)
        {
            return null;
        }
    }

    /// <summary>
    /// The last good version of an object that did not read. Without a namespace in its text it may have been read into
    /// "default" (namespaced kinds) or be cluster-scoped: either key is it.
    /// </summary>
    private static bool TryGetLastGood(ManifestFile previous, ManifestObjectKey key, out ManifestObjectKey found, out (IKubeObject Object, UInt128 Content) last)
    {
        found = key;
        if (previous.Objects.TryGetValue(key, out last))
        {
            return true;
        }
        found = key.WithNamespace("default");
        return key.Namespace.Length == 0 && previous.Objects.TryGetValue(found, out last);
    }

    /// <summary>The key of an object that did not read, from its raw kind, namespace and name; null without kind or name.</summary>
    private static ManifestObjectKey? KeyOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("metadata", out var meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        var ns = meta.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
        return new ManifestObjectKey(kind.GetString()!, ns, name.GetString()!);
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Manifest {File} is not valid YAML (line {Line}): {Reason}; keeping its previous objects")]
    private partial void LogBadYaml(string file, long line, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Manifest {File}: skipping {Object}: {Reason}")]
    private partial void LogBadObject(string file, string @object, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Manifest {File} cannot be read: {Reason}")]
    private partial void LogUnreadable(string file, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Manifest directory {Directory}: no file events ({Reason}); rescanning every {Seconds} s instead")]
    private partial void LogNoFileEvents(string directory, string reason, double seconds);
}
