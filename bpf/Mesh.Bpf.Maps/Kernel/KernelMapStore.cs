using Mesh.Bpf.Syscalls;
using Microsoft.Extensions.Logging;

namespace Mesh.Bpf.Maps.Kernel;

/// <summary>
/// Maps pinned as <c>&lt;root&gt;/&lt;name&gt;</c> in a bpffs. A pin whose layout matches is reused with its content,
/// so a restarted agent keeps the datapath programmed; a pin with another layout is atomically replaced by renaming
/// a freshly pinned map over it (programs still holding the old map keep it until they are reloaded).
/// </summary>
internal sealed class KernelMapStore : IBpfMapStore
{
    // bpffs refuses names containing '.', so the staging pin uses a suffix no Cilium map has.
    private const string ReplacingSuffix = "__replacing";

    private readonly ILogger _logger;

    public KernelMapStore(string pinRoot, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pinRoot);
        Location = Path.GetFullPath(pinRoot);
        _logger = logger;
    }

    public string Location { get; }

    public IBpfMapHandle Open(BpfMapDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Directory.CreateDirectory(Location);
        var path = PinPath(descriptor.Name);
        if (TryOpenPin(path, out var existing, out var notAMap))
        {
            var difference = notAMap ?? descriptor.LayoutDifference(existing!.Type, existing.KeySize, existing.ValueSize, existing.MaxEntries, existing.Flags);
            if (difference is null)
            {
                var reused = new KernelMapHandle(existing!, descriptor, MapOpenOutcome.Reused, null);
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    MapStoreLog.Reused(_logger, descriptor.Name, Location, reused.Count);
                }
                return reused;
            }
            existing?.Dispose();
            var replacement = CreateMap(descriptor);
            try
            {
                PinReplacing(replacement, path);
            }
            catch
            {
                replacement.Dispose();
                throw;
            }
            MapStoreLog.Replaced(_logger, descriptor.Name, Location, difference);
            return new KernelMapHandle(replacement, descriptor, MapOpenOutcome.Replaced, difference);
        }
        var map = CreateMap(descriptor);
        try
        {
            map.Pin(path);
        }
        catch (BpfException e) when (e.Errno == Errno.EEXIST)
        {
            // Another opener pinned it between our check and our pin: use theirs.
            map.Dispose();
            return Open(descriptor);
        }
        catch
        {
            map.Dispose();
            throw;
        }
        MapStoreLog.Created(_logger, descriptor.Name, Location, descriptor.MaxEntries);
        return new KernelMapHandle(map, descriptor, MapOpenOutcome.Created, null);
    }

    public IBpfMapHandle? OpenExisting(string name)
    {
        var path = PinPath(name);
        if (!TryOpenPin(path, out var map, out var notAMap))
        {
            return null;
        }
        if (notAMap is not null)
        {
            throw new InvalidOperationException($"{path}: {notAMap}");
        }
        var descriptor = new BpfMapDescriptor(name, map!.Type, map.KeySize, map.ValueSize, map.MaxEntries, map.Flags);
        return new KernelMapHandle(map, descriptor, MapOpenOutcome.Reused, null);
    }

    public IReadOnlyList<string> Names(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!Directory.Exists(Location))
        {
            return [];
        }
        var names = new List<string>();
        foreach (var path in Directory.EnumerateFiles(Location, prefix + "*"))
        {
            names.Add(Path.GetFileName(path));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public bool Remove(string name)
    {
        var path = PinPath(name);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        MapStoreLog.Removed(_logger, name, Location);
        return true;
    }

    public void Flush()
    {
        // Pins are durable by themselves.
    }

    public void Dispose()
    {
        // Handles own their descriptors; pins stay for the next agent.
    }

    private string PinPath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a map name", nameof(name));
        }
        return Path.Combine(Location, name);
    }

    private static bool TryOpenPin(string path, out BpfMap? map, out string? notAMap)
    {
        map = null;
        notAMap = null;
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            map = BpfMap.OpenPinned(path);
            return true;
        }
        catch (BpfException e) when (e.Errno == Errno.ENOENT)
        {
            return false;
        }
        catch (BpfException e) when (e.Command == BpfCommand.ObjGet && e.Errno == Errno.EINVAL)
        {
            notAMap = e.Message;
            return true;
        }
    }

    private static BpfMap CreateMap(BpfMapDescriptor descriptor) =>
        BpfMap.Create(descriptor.Type, descriptor.KeySize, descriptor.ValueSize, descriptor.MaxEntries, descriptor.Name, descriptor.Flags);

    private static void PinReplacing(BpfMap map, string path)
    {
        // rename(2) over the old pin: the path never disappears for a concurrent reader.
        var staging = path + ReplacingSuffix;
        if (File.Exists(staging))
        {
            File.Delete(staging);
        }
        map.Pin(staging);
        File.Move(staging, path, overwrite: true);
    }
}
