using System.Text;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>A kernel map reached through bpf(2): create, open pinned, pin, and element operations on raw bytes.</summary>
public sealed class BpfMap : IDisposable
{
    private const ulong UpdateAny = 0;

    private BpfMap(BpfFileDescriptor descriptor, int keySize, int valueSize)
    {
        Descriptor = descriptor;
        KeySize = keySize;
        ValueSize = valueSize;
    }

    public BpfFileDescriptor Descriptor { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public static unsafe BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, string name, uint flags = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        var attr = new MapCreateAttr
        {
            MapType = (uint)type,
            KeySize = (uint)keySize,
            ValueSize = (uint)valueSize,
            MaxEntries = (uint)maxEntries,
            MapFlags = flags,
        };
        CopyName(name, attr.MapName);
        var fd = BpfSyscall.Invoke(BpfCommand.MapCreate, ref attr);
        return new BpfMap(new BpfFileDescriptor(fd), keySize, valueSize);
    }

    public unsafe void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        CheckSizes(key, value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)k, ValueOrNextKey = (ulong)v, Flags = UpdateAny };
            BpfSyscall.Invoke(BpfCommand.MapUpdateElem, ref attr);
        }
    }

    /// <summary>Copies the value for <paramref name="key"/> into <paramref name="value"/>; false when absent.</summary>
    public unsafe bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key, value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)k, ValueOrNextKey = (ulong)v };
            var errno = BpfSyscall.TryInvoke(BpfCommand.MapLookupElem, ref attr, out _);
            return errno switch
            {
                0 => true,
                Errno.ENOENT => false,
                _ => throw new BpfException(BpfCommand.MapLookupElem, errno),
            };
        }
    }

    /// <summary>Deletes <paramref name="key"/>; an absent key counts as deleted.</summary>
    public unsafe bool Delete(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"key is {key.Length} bytes, map key size is {KeySize}", nameof(key));
        }
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)k };
            var errno = BpfSyscall.TryInvoke(BpfCommand.MapDeleteElem, ref attr, out _);
            return errno switch
            {
                0 => true,
                Errno.ENOENT => false,
                _ => throw new BpfException(BpfCommand.MapDeleteElem, errno),
            };
        }
    }

    public void Dispose() => Descriptor.Dispose();

    private void CheckSizes(ReadOnlySpan<byte> key, int valueLength)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"key is {key.Length} bytes, map key size is {KeySize}", nameof(key));
        }
        if (valueLength != ValueSize)
        {
            throw new ArgumentException($"value is {valueLength} bytes, map value size is {ValueSize}", nameof(valueLength));
        }
    }

    internal static unsafe void CopyName(string name, byte* destination)
    {
        // Kernel object names: at most 15 bytes + NUL, [A-Za-z0-9_.].
        var bytes = Encoding.ASCII.GetBytes(name);
        var length = Math.Min(bytes.Length, 15);
        for (var i = 0; i < length; i++)
        {
            destination[i] = bytes[i];
        }
    }
}
