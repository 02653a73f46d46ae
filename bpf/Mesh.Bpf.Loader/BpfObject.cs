using System.Runtime.InteropServices;
using Mesh.Bpf.Loader.Native;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Loader;

/// <summary>
/// A clang-built BPF object loaded through libbpf: its maps bound to pins or caller-held maps as
/// <see cref="BpfObjectOptions"/> says, its programs verified and loaded. Disposing closes every descriptor
/// (pins stay; they belong to whoever owns the pin directory).
/// </summary>
public sealed class BpfObject : IDisposable
{
    // libbpf's global print hook and per-program log buffers make loads one at a time.
    private static readonly Lock LoadLock = new();

    private readonly List<BpfObjectProgram> _programs = [];
    private readonly List<BpfObjectMap> _maps = [];
    private nint _handle;

    private BpfObject(string path, nint handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public IReadOnlyList<BpfObjectProgram> Programs => _programs;

    public IReadOnlyList<BpfObjectMap> Maps => _maps;

    /// <summary>Opens, binds and loads <paramref name="path"/>.</summary>
    /// <exception cref="BpfLoadException">The object cannot be opened, a map binding does not fit, or the verifier rejected a program (the message carries its log).</exception>
    public static BpfObject Load(string path, BpfObjectOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= BpfObjectOptions.Default;
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new BpfLoadException(full, "open", Errno.ENOENT, null, null);
        }
        lock (LoadLock)
        {
            using var log = LibBpfLog.Capture();
            var handle = LibBpf.ObjectOpenFile(full, 0);
            if (handle == 0)
            {
                throw new BpfLoadException(full, "open", Marshal.GetLastPInvokeError(), null, log.Text);
            }
            var loaded = new BpfObject(full, handle);
            try
            {
                loaded.LoadLocked(options, log);
                return loaded;
            }
            catch
            {
                loaded.Dispose();
                throw;
            }
        }
    }

    /// <summary>Lists program sections without loading anything (no privileges needed): (function name, section).</summary>
    public static IReadOnlyList<(string Name, string Section)> ReadProgramSections(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        lock (LoadLock)
        {
            using var log = LibBpfLog.Capture();
            var handle = LibBpf.ObjectOpenFile(full, 0);
            if (handle == 0)
            {
                throw new BpfLoadException(full, "open", Marshal.GetLastPInvokeError(), null, log.Text);
            }
            try
            {
                var sections = new List<(string, string)>();
                for (var program = LibBpf.NextProgram(handle, 0); program != 0; program = LibBpf.NextProgram(handle, program))
                {
                    sections.Add((ProgramName(program), ProgramSection(program)));
                }
                return sections;
            }
            finally
            {
                LibBpf.ObjectClose(handle);
            }
        }
    }

    /// <summary>The program named <paramref name="name"/> (the C function name).</summary>
    public BpfObjectProgram Program(string name) =>
        _programs.Find(p => p.Name == name) ?? throw new KeyNotFoundException($"{Path} has no program {name}; it has {string.Join(", ", _programs.Select(p => p.Name))}");

    /// <summary>The map named <paramref name="name"/>.</summary>
    public BpfObjectMap Map(string name) =>
        _maps.Find(m => m.Name == name) ?? throw new KeyNotFoundException($"{Path} has no map {name}; it has {string.Join(", ", _maps.Select(m => m.Name))}");

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            LibBpf.ObjectClose(handle);
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _handle) == 0, this);

    private static string ProgramName(nint program)
    {
        unsafe
        {
            return LibBpf.Text(LibBpf.ProgramName(program)) ?? string.Empty;
        }
    }

    private static string ProgramSection(nint program)
    {
        unsafe
        {
            return LibBpf.Text(LibBpf.ProgramSectionName(program)) ?? string.Empty;
        }
    }

    private static string MapName(nint map)
    {
        unsafe
        {
            return LibBpf.Text(LibBpf.MapName(map)) ?? string.Empty;
        }
    }

    private unsafe void LoadLocked(BpfObjectOptions options, LibBpfLog.Scope log)
    {
        var maps = new List<(nint Handle, string Name)>();
        for (var map = LibBpf.NextMap(_handle, 0); map != 0; map = LibBpf.NextMap(_handle, map))
        {
            maps.Add((map, MapName(map)));
        }
        var errors = new List<string>();
        foreach (var name in options.MapPins.Keys.Concat(options.Maps.Keys))
        {
            if (!maps.Exists(m => m.Name == name))
            {
                errors.Add($"no map {name} in the object");
            }
        }
        var bindings = new Dictionary<string, (string? PinPath, bool Reused)>();
        foreach (var (map, name) in maps)
        {
            try
            {
                bindings[name] = Bind(map, name, options);
            }
            catch (BpfLoadException e)
            {
                errors.Add(e.Message);
            }
            catch (BpfException e)
            {
                errors.Add($"map {name}: {e.Message}");
            }
        }
        if (errors.Count > 0)
        {
            throw new BpfLoadException($"binding the maps of {Path} failed: {string.Join("; ", errors)}");
        }

        var logSize = Math.Max(options.VerifierLogSize, 4096);
        var verifierLog = (byte*)NativeMemory.AllocZeroed((nuint)logSize);
        try
        {
            for (var program = LibBpf.NextProgram(_handle, 0); program != 0; program = LibBpf.NextProgram(_handle, program))
            {
                if (LibBpf.ProgramType(program) == LibBpf.ProgramTypeUnspecified && options.FallbackProgramType is { } fallback
                    && LibBpf.ProgramSetType(program, (uint)fallback) < 0)
                {
                    throw new BpfLoadException(Path, $"typing program {ProgramName(program)} of", Errno.EINVAL, null, log.Text);
                }
                if (LibBpf.ProgramSetLogBuffer(program, verifierLog, (nuint)logSize) < 0)
                {
                    throw new BpfLoadException(Path, $"setting the log buffer of {ProgramName(program)} in", Errno.EINVAL, null, log.Text);
                }
            }
            var rc = LibBpf.ObjectLoad(_handle);
            if (rc < 0)
            {
                var text = Marshal.PtrToStringUTF8((nint)verifierLog);
                throw new BpfLoadException(Path, "load", -rc, text, log.Text);
            }
        }
        finally
        {
            NativeMemory.Free(verifierLog);
        }

        for (var program = LibBpf.NextProgram(_handle, 0); program != 0; program = LibBpf.NextProgram(_handle, program))
        {
            _programs.Add(new BpfObjectProgram(this, ProgramName(program), ProgramSection(program), (BpfProgramType)LibBpf.ProgramType(program), LibBpf.ProgramFd(program)));
        }
        foreach (var (map, name) in maps)
        {
            var (pinPath, reused) = bindings[name];
            _maps.Add(new BpfObjectMap(
                this, name, (BpfMapType)LibBpf.MapType(map), (int)LibBpf.MapKeySize(map), (int)LibBpf.MapValueSize(map), (int)LibBpf.MapMaxEntries(map),
                LibBpf.MapFd(map), pinPath, reused));
        }
    }

    private static (string? PinPath, bool Reused) Bind(nint map, string name, BpfObjectOptions options)
    {
        if (options.Maps.TryGetValue(name, out var held))
        {
            Reuse(map, name, held, "the caller's map");
            return (null, true);
        }
        string? pin = null;
        if (options.MapPins.TryGetValue(name, out var explicitPin))
        {
            pin = explicitPin;
        }
        else if (options.PinDirectory is { } directory && !LibBpf.MapIsInternal(map))
        {
            pin = System.IO.Path.Combine(directory, name);
        }
        if (pin is null)
        {
            return (null, false);
        }
        if (File.Exists(pin))
        {
            using var existing = BpfMap.OpenPinned(pin);
            Reuse(map, name, existing, pin);
            return (pin, true);
        }
        var rc = LibBpf.MapSetPinPath(map, pin);
        if (rc < 0)
        {
            throw BpfException.For(BpfCommand.ObjPin, -rc, pin);
        }
        return (pin, false);
    }

    private static void Reuse(nint map, string name, BpfMap existing, string source)
    {
        var type = (BpfMapType)LibBpf.MapType(map);
        var keySize = (int)LibBpf.MapKeySize(map);
        var valueSize = (int)LibBpf.MapValueSize(map);
        if (existing.Type != type || existing.KeySize != keySize || existing.ValueSize != valueSize)
        {
            throw new BpfLoadException(
                $"map {name}: {source} is {existing.Type} key {existing.KeySize} value {existing.ValueSize}, the object wants {type} key {keySize} value {valueSize}");
        }
        var rc = LibBpf.MapReuseFd(map, existing.Descriptor.Fd);
        if (rc < 0)
        {
            throw new BpfLoadException($"map {name}: reusing {source} failed: {Errno.Describe(-rc)}");
        }
    }
}
