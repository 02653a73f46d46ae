using Mesh.Bpf.Loader.Native;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Loader;

/// <summary>A map of a loaded object. Its descriptor belongs to the object and closes with it.</summary>
public sealed class BpfObjectMap
{
    private readonly BpfObject _owner;

    internal BpfObjectMap(BpfObject owner, string name, BpfMapType type, int keySize, int valueSize, int maxEntries, int fd, string? pinPath, bool reused)
    {
        _owner = owner;
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Fd = fd;
        PinPath = pinPath;
        Reused = reused;
    }

    /// <summary>The name in the object (e.g. <c>cilium_lb4_services_v2</c>, or <c>.rodata</c> for internal maps).</summary>
    public string Name { get; }

    public BpfMapType Type { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int MaxEntries { get; }

    public int Fd { get; }

    /// <summary>Where the map is pinned, when it was bound to a pin.</summary>
    public string? PinPath { get; }

    /// <summary>True when an existing map (a pin or a caller's map) was used instead of creating one.</summary>
    public bool Reused { get; }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/>; false when absent.</summary>
    public unsafe bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key.Length, value.Length);
        _owner.ThrowIfDisposed();
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            if (LibBpf.MapLookupElem(Fd, k, v) == 0)
            {
                return true;
            }
        }
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno == Errno.ENOENT ? false : throw BpfException.For(BpfCommand.MapLookupElem, errno, Name);
    }

    public unsafe void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        CheckSizes(key.Length, value.Length);
        _owner.ThrowIfDisposed();
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            if (LibBpf.MapUpdateElem(Fd, k, v, 0) != 0)
            {
                throw BpfException.For(BpfCommand.MapUpdateElem, System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), Name);
            }
        }
    }

    private void CheckSizes(int keyLength, int valueLength)
    {
        if (keyLength != KeySize || valueLength < ValueSize)
        {
            throw new ArgumentException($"map {Name} has key {KeySize} and value {ValueSize} bytes, got key {keyLength} and room for {valueLength}");
        }
    }
}
