using Microsoft.Extensions.Logging;

namespace Mesh.Bpf.Maps.Userspace;

/// <summary>
/// Maps in process for <c>--bpf=off</c>. With a state directory each map is saved as <c>&lt;dir&gt;/&lt;name&gt;.map</c>
/// on <see cref="Flush"/> and Dispose and reopened by the next store, with the same reuse/replace rules as pins.
/// </summary>
internal sealed class UserspaceMapStore : IBpfMapStore
{
    private const string FileSuffix = ".map";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserspaceMap> _maps = new(StringComparer.Ordinal);
    private readonly string? _stateDirectory;
    private readonly ILogger _logger;

    public UserspaceMapStore(string? stateDirectory, ILogger logger)
    {
        _stateDirectory = stateDirectory is null ? null : Path.GetFullPath(stateDirectory);
        _logger = logger;
    }

    public string Location => _stateDirectory is null ? "userspace" : $"userspace:{_stateDirectory}";

    public IBpfMapHandle Open(BpfMapDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        lock (_gate)
        {
            var existing = FindLocked(descriptor.Name);
            if (existing is not null)
            {
                var d = existing.Descriptor;
                var difference = descriptor.LayoutDifference(d.Type, d.KeySize, d.ValueSize, d.MaxEntries, d.Flags);
                if (difference is null)
                {
                    MapStoreLog.Reused(_logger, descriptor.Name, Location, existing.Count);
                    return new UserspaceMapHandle(existing, MapOpenOutcome.Reused, null);
                }
                var replacement = new UserspaceMap(descriptor);
                _maps[descriptor.Name] = replacement;
                MapStoreLog.Replaced(_logger, descriptor.Name, Location, difference);
                return new UserspaceMapHandle(replacement, MapOpenOutcome.Replaced, difference);
            }
            var created = new UserspaceMap(descriptor);
            _maps[descriptor.Name] = created;
            MapStoreLog.Created(_logger, descriptor.Name, Location, descriptor.MaxEntries);
            return new UserspaceMapHandle(created, MapOpenOutcome.Created, null);
        }
    }

    public IBpfMapHandle? OpenExisting(string name)
    {
        lock (_gate)
        {
            var map = FindLocked(name);
            return map is null ? null : new UserspaceMapHandle(map, MapOpenOutcome.Reused, null);
        }
    }

    public IReadOnlyList<string> Names(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        lock (_gate)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var name in _maps.Keys)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }
            if (_stateDirectory is not null && Directory.Exists(_stateDirectory))
            {
                foreach (var path in Directory.EnumerateFiles(_stateDirectory, prefix + "*" + FileSuffix))
                {
                    names.Add(Path.GetFileNameWithoutExtension(path));
                }
            }
            return [.. names];
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            var removed = _maps.Remove(name);
            var file = FilePath(name);
            if (file is not null && File.Exists(file))
            {
                File.Delete(file);
                removed = true;
            }
            if (removed)
            {
                MapStoreLog.Removed(_logger, name, Location);
            }
            return removed;
        }
    }

    public void Flush()
    {
        if (_stateDirectory is null)
        {
            return;
        }
        lock (_gate)
        {
            Directory.CreateDirectory(_stateDirectory);
            foreach (var (name, map) in _maps)
            {
                UserspaceMapFile.Save(FilePath(name)!, map.Descriptor, map.Dump());
            }
        }
    }

    public void Dispose() => Flush();

    /// <summary>The map in memory, else the saved one loaded into memory; null when neither exists.</summary>
    private UserspaceMap? FindLocked(string name)
    {
        if (_maps.TryGetValue(name, out var map))
        {
            return map;
        }
        var file = FilePath(name);
        if (file is null || !File.Exists(file))
        {
            return null;
        }
        if (!UserspaceMapFile.TryLoad(file, name, out var saved, out var entries, out var error))
        {
            MapStoreLog.StateUnreadable(_logger, file, error!);
            return null;
        }
        map = new UserspaceMap(saved!);
        map.Load(entries!);
        _maps[name] = map;
        return map;
    }

    private string? FilePath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a map name", nameof(name));
        }
        return _stateDirectory is null ? null : Path.Combine(_stateDirectory, name + FileSuffix);
    }
}
