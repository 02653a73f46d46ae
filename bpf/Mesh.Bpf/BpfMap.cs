using System.Buffers;
using System.Text;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>
/// A kernel map reached through bpf(2): create, pin, open a pin, describe, and element operations on raw bytes,
/// single or batched. Batch commands fall back to single-element calls where the kernel or map type lacks them.
/// </summary>
public sealed class BpfMap : IDisposable
{
    private const int BatchUnknown = 0;
    private const int BatchSupported = 1;
    private const int BatchUnsupported = 2;

    // Entries per BPF_MAP_LOOKUP_BATCH call when reading a whole map.
    private const int ReadChunk = 4096;

    private int _batch;

    private BpfMap(BpfFileDescriptor descriptor, BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags, string name)
    {
        Descriptor = descriptor;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        Name = name;
    }

    public BpfFileDescriptor Descriptor { get; }

    public BpfMapType Type { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int MaxEntries { get; }

    public BpfMapFlags Flags { get; }

    /// <summary>The name given at creation (the kernel keeps 15 characters of it), or the kernel's name for an opened pin.</summary>
    public string Name { get; }

    /// <summary>Whether the batch commands work on this map: null until a batch call found out.</summary>
    public bool? SupportsBatch => Volatile.Read(ref _batch) switch
    {
        BatchSupported => true,
        BatchUnsupported => false,
        _ => null,
    };

    /// <summary>Size of the opaque cursor buffers of <see cref="LookupBatch"/>: a bucket index for hashes, a key for others.</summary>
    public int BatchCursorSize => Math.Max(KeySize, 8);

    public static unsafe BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, string name, BpfMapFlags flags = BpfMapFlags.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentNullException.ThrowIfNull(name);
        var attr = new MapCreateAttr
        {
            MapType = (uint)type,
            KeySize = (uint)keySize,
            ValueSize = (uint)valueSize,
            MaxEntries = (uint)maxEntries,
            MapFlags = (uint)flags,
        };
        CopyName(name, attr.MapName);
        var errno = BpfSyscall.TryInvoke(BpfCommand.MapCreate, ref attr, out var fd);
        if (errno != 0)
        {
            throw BpfException.For(BpfCommand.MapCreate, errno, name);
        }
        return new BpfMap(new BpfFileDescriptor(fd), type, keySize, valueSize, maxEntries, flags, name);
    }

    /// <summary>Opens the map pinned at <paramref name="path"/> (BPF_OBJ_GET) and reads its layout.</summary>
    /// <exception cref="BpfException">ENOENT when nothing is pinned there; EINVAL when the pin is not a map.</exception>
    public static unsafe BpfMap OpenPinned(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = NullTerminated(path);
        int fd;
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { PathName = (ulong)p };
            var errno = BpfSyscall.TryInvoke(BpfCommand.ObjGet, ref attr, out fd);
            if (errno != 0)
            {
                throw BpfException.For(BpfCommand.ObjGet, errno, path);
            }
        }
        var descriptor = new BpfFileDescriptor(fd);
        try
        {
            // A pin may hold a program or link; its fd's anon inode names the kind.
            var kind = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (kind is not null && !kind.Contains("bpf-map", StringComparison.Ordinal))
            {
                throw BpfException.For(BpfCommand.ObjGet, Errno.EINVAL, $"{path} (pinned object is {kind}, not a map)");
            }
            var info = QueryInfo(descriptor);
            return new BpfMap(descriptor, info.Type, info.KeySize, info.ValueSize, info.MaxEntries, info.Flags, info.Name);
        }
        catch
        {
            descriptor.Dispose();
            throw;
        }
    }

    /// <summary>Pins the map at <paramref name="path"/> in a bpffs (BPF_OBJ_PIN); EEXIST when the path is taken.</summary>
    public unsafe void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = NullTerminated(path);
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { PathName = (ulong)p, BpfFd = (uint)Descriptor.Fd };
            var errno = BpfSyscall.TryInvoke(BpfCommand.ObjPin, ref attr, out _);
            if (errno != 0)
            {
                throw BpfException.For(BpfCommand.ObjPin, errno, path);
            }
        }
    }

    /// <summary>The kernel's description of this map (BPF_OBJ_GET_INFO_BY_FD), including its id.</summary>
    public BpfMapInfo GetInfo() => QueryInfo(Descriptor);

    public unsafe void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckSizes(key, value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var errno = UpdateOne(k, v, flags);
            if (errno != 0)
            {
                throw BpfException.For(BpfCommand.MapUpdateElem, errno, Name);
            }
        }
    }

    /// <summary>Copies the value for <paramref name="key"/> into <paramref name="value"/>; false when absent.</summary>
    public unsafe bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key, value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var errno = LookupOne(k, v);
            return errno switch
            {
                0 => true,
                Errno.ENOENT => false,
                _ => throw BpfException.For(BpfCommand.MapLookupElem, errno, Name),
            };
        }
    }

    /// <summary>Deletes <paramref name="key"/>; an absent key counts as deleted and returns false.</summary>
    public unsafe bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        fixed (byte* k = key)
        {
            var errno = DeleteOne(k);
            return errno switch
            {
                0 => true,
                Errno.ENOENT => false,
                _ => throw BpfException.For(BpfCommand.MapDeleteElem, errno, Name),
            };
        }
    }

    /// <summary>
    /// The key after <paramref name="key"/> in the kernel's iteration order (BPF_MAP_GET_NEXT_KEY); an empty
    /// <paramref name="key"/> asks for the first. False when there is none.
    /// </summary>
    public unsafe bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKey(key);
        }
        if (nextKey.Length != KeySize)
        {
            throw new ArgumentException($"next key buffer is {nextKey.Length} bytes, map key size is {KeySize}", nameof(nextKey));
        }
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = key.IsEmpty ? 0 : (ulong)k, ValueOrNextKey = (ulong)n };
            var errno = BpfSyscall.TryInvoke(BpfCommand.MapGetNextKey, ref attr, out _);
            return errno switch
            {
                0 => true,
                Errno.ENOENT => false,
                _ => throw BpfException.For(BpfCommand.MapGetNextKey, errno, Name),
            };
        }
    }

    /// <summary>
    /// Writes packed <paramref name="keys"/> and <paramref name="values"/> (BPF_MAP_UPDATE_BATCH, or one
    /// BPF_MAP_UPDATE_ELEM each where batches are unsupported). The kernel stops at the first failing element;
    /// the exception's <see cref="BpfException.ElementsProcessed"/> is that element's index.
    /// </summary>
    /// <returns>The number of elements written (all of them).</returns>
    public unsafe int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        var count = CheckBatch(keys, values);
        if (count == 0)
        {
            return 0;
        }
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var start = 0;
            if (Volatile.Read(ref _batch) != BatchUnsupported)
            {
                var attr = new MapBatchAttr { Keys = (ulong)k, Values = (ulong)v, Count = (uint)count, MapFd = (uint)Descriptor.Fd, ElemFlags = (ulong)flags };
                var errno = BpfSyscall.TryInvoke(BpfCommand.MapUpdateBatch, ref attr, out _);
                if (errno == 0)
                {
                    Volatile.Write(ref _batch, BatchSupported);
                    return count;
                }
                // The kernel writes count back only when it ran the batch; an untouched count means none applied.
                var processed = attr.Count < (uint)count ? (int)attr.Count : 0;
                if (processed != 0 || !IsBatchUnsupported(errno))
                {
                    Volatile.Write(ref _batch, BatchSupported);
                    throw BpfException.For(BpfCommand.MapUpdateBatch, errno, Name, processed);
                }
                // EINVAL also means "bad element", so the first element decides: if it goes in singly, the
                // kernel lacks the batch command for this map.
                var single = UpdateOne(k, v, flags);
                if (single != 0)
                {
                    throw BpfException.For(BpfCommand.MapUpdateElem, single, Name, 0);
                }
                Volatile.Write(ref _batch, BatchUnsupported);
                start = 1;
            }
            for (var i = start; i < count; i++)
            {
                var errno = UpdateOne(k + ((long)i * KeySize), v + ((long)i * ValueSize), flags);
                if (errno != 0)
                {
                    throw BpfException.For(BpfCommand.MapUpdateElem, errno, Name, i);
                }
            }
            return count;
        }
    }

    /// <summary>
    /// Deletes packed <paramref name="keys"/> (BPF_MAP_DELETE_BATCH, or single deletes where unsupported). Absent
    /// keys count as deleted: the batch resumes after them.
    /// </summary>
    /// <returns>How many keys were present and removed.</returns>
    public unsafe int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        if (keys.Length % KeySize != 0)
        {
            throw new ArgumentException($"keys are {keys.Length} bytes, not a multiple of the key size {KeySize}", nameof(keys));
        }
        var count = keys.Length / KeySize;
        var deleted = 0;
        var start = 0;
        fixed (byte* k = keys)
        {
            while (start < count && Volatile.Read(ref _batch) != BatchUnsupported)
            {
                var attr = new MapBatchAttr { Keys = (ulong)(k + ((long)start * KeySize)), Count = (uint)(count - start), MapFd = (uint)Descriptor.Fd };
                var errno = BpfSyscall.TryInvoke(BpfCommand.MapDeleteBatch, ref attr, out _);
                if (errno == 0)
                {
                    Volatile.Write(ref _batch, BatchSupported);
                    return deleted + (count - start);
                }
                var processed = attr.Count < (uint)(count - start) ? (int)attr.Count : 0;
                deleted += processed;
                start += processed;
                if (errno == Errno.ENOENT)
                {
                    Volatile.Write(ref _batch, BatchSupported);
                    start++; // absent: already deleted
                    continue;
                }
                if (processed == 0 && IsBatchUnsupported(errno) && Volatile.Read(ref _batch) == BatchUnknown)
                {
                    var single = DeleteOne(k + ((long)start * KeySize));
                    if (single is not 0 and not Errno.ENOENT)
                    {
                        throw BpfException.For(BpfCommand.MapDeleteElem, single, Name, start);
                    }
                    deleted += single == 0 ? 1 : 0;
                    start++;
                    Volatile.Write(ref _batch, BatchUnsupported);
                    break;
                }
                throw BpfException.For(BpfCommand.MapDeleteBatch, errno, Name, start);
            }
            for (var i = start; i < count; i++)
            {
                var errno = DeleteOne(k + ((long)i * KeySize));
                if (errno is not 0 and not Errno.ENOENT)
                {
                    throw BpfException.For(BpfCommand.MapDeleteElem, errno, Name, i);
                }
                deleted += errno == 0 ? 1 : 0;
            }
        }
        return deleted;
    }

    /// <summary>
    /// One BPF_MAP_LOOKUP_BATCH call: copies up to <c>keys.Length / KeySize</c> entries following the cursor
    /// <paramref name="inBatch"/> (empty = from the start) and writes the next cursor to <paramref name="outBatch"/>
    /// (both <see cref="BatchCursorSize"/> bytes). <paramref name="done"/> is true when the map has no more entries.
    /// </summary>
    /// <exception cref="BpfException">ENOSPC when a hash bucket holds more entries than the buffers do (retry larger).</exception>
    public unsafe int LookupBatch(ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, out bool done)
    {
        var capacity = keys.Length / KeySize;
        if (capacity == 0 || values.Length < capacity * ValueSize)
        {
            throw new ArgumentException($"buffers must hold at least one entry; values need {capacity * ValueSize} bytes for {capacity} keys", nameof(values));
        }
        if (outBatch.Length < BatchCursorSize || (!inBatch.IsEmpty && inBatch.Length < BatchCursorSize))
        {
            throw new ArgumentException($"batch cursors are {BatchCursorSize} bytes", nameof(outBatch));
        }
        fixed (byte* i = inBatch)
        fixed (byte* o = outBatch)
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var attr = new MapBatchAttr
            {
                InBatch = inBatch.IsEmpty ? 0 : (ulong)i,
                OutBatch = (ulong)o,
                Keys = (ulong)k,
                Values = (ulong)v,
                Count = (uint)capacity,
                MapFd = (uint)Descriptor.Fd,
            };
            var errno = BpfSyscall.TryInvoke(BpfCommand.MapLookupBatch, ref attr, out _);
            switch (errno)
            {
                case 0:
                    Volatile.Write(ref _batch, BatchSupported);
                    done = false;
                    return (int)attr.Count;
                case Errno.ENOENT:
                    Volatile.Write(ref _batch, BatchSupported);
                    done = true;
                    return (int)attr.Count;
                default:
                    throw BpfException.For(BpfCommand.MapLookupBatch, errno, Name);
            }
        }
    }

    /// <summary>Every entry of the map: batched lookups where supported, else GET_NEXT_KEY plus LOOKUP per key.</summary>
    public BpfMapEntries ReadAll()
    {
        var keys = new byte[Math.Min(MaxEntries, ReadChunk) * KeySize];
        var values = new byte[Math.Min(MaxEntries, ReadChunk) * ValueSize];
        var count = Scan(ref keys, ref values, keep: true);
        return new BpfMapEntries(KeySize, ValueSize, keys, values, count);
    }

    /// <summary>Counts the entries by walking the map (the kernel keeps no count for hashes and tries).</summary>
    public int CountEntries()
    {
        var size = Math.Min(MaxEntries, ReadChunk);
        var keys = ArrayPool<byte>.Shared.Rent(size * KeySize);
        var values = ArrayPool<byte>.Shared.Rent(size * ValueSize);
        var rentedKeys = keys;
        var rentedValues = values;
        try
        {
            return Scan(ref keys, ref values, keep: false);
        }
        finally
        {
            // Scan may have swapped in larger plain arrays; only the rented ones go back.
            ArrayPool<byte>.Shared.Return(rentedKeys);
            ArrayPool<byte>.Shared.Return(rentedValues);
        }
    }

    public void Dispose() => Descriptor.Dispose();

    /// <summary>
    /// Reads all entries into <paramref name="keys"/>/<paramref name="values"/>, growing them when
    /// <paramref name="keep"/> is set; otherwise each chunk overwrites the previous one and only the count matters.
    /// </summary>
    private int Scan(ref byte[] keys, ref byte[] values, bool keep)
    {
        if (Volatile.Read(ref _batch) != BatchUnsupported)
        {
            var scanned = TryScanBatched(ref keys, ref values, keep);
            if (scanned >= 0)
            {
                return scanned;
            }
        }
        return ScanByKey(ref keys, ref values, keep);
    }

    private int TryScanBatched(ref byte[] keys, ref byte[] values, bool keep)
    {
        Span<byte> cursorA = stackalloc byte[BatchCursorSize];
        Span<byte> cursorB = stackalloc byte[BatchCursorSize];
        var total = 0;
        var first = true;
        var chunk = Math.Max(1, Math.Min(keys.Length / KeySize, values.Length / ValueSize));
        while (true)
        {
            var offset = keep ? total : 0;
            if (keep)
            {
                EnsureCapacity(ref keys, ref values, total + chunk);
            }
            int got;
            bool done;
            try
            {
                got = LookupBatch(
                    first ? ReadOnlySpan<byte>.Empty : cursorA,
                    cursorB,
                    keys.AsSpan(offset * KeySize, chunk * KeySize),
                    values.AsSpan(offset * ValueSize, chunk * ValueSize),
                    out done);
            }
            catch (BpfException e) when (e.Errno == Errno.ENOSPC)
            {
                // A hash bucket is larger than the chunk: retry the same cursor with room for more.
                chunk *= 2;
                if (!keep)
                {
                    keys = new byte[chunk * KeySize];
                    values = new byte[chunk * ValueSize];
                }
                continue;
            }
            catch (BpfException e) when (first && IsBatchUnsupported(e.Errno))
            {
                Volatile.Write(ref _batch, BatchUnsupported);
                return -1;
            }
            total += got;
            if (done)
            {
                return total;
            }
            cursorB.CopyTo(cursorA);
            first = false;
        }
    }

    private unsafe int ScanByKey(ref byte[] keys, ref byte[] values, bool keep)
    {
        Span<byte> current = stackalloc byte[KeySize];
        Span<byte> next = stackalloc byte[KeySize];
        var total = 0;
        var hasCurrent = false;
        while (TryGetNextKey(hasCurrent ? current : ReadOnlySpan<byte>.Empty, next))
        {
            next.CopyTo(current);
            hasCurrent = true;
            var slot = keep ? total : 0;
            if (keep)
            {
                EnsureCapacity(ref keys, ref values, total + 1);
            }
            var value = values.AsSpan(slot * ValueSize, ValueSize);
            fixed (byte* k = current)
            fixed (byte* v = value)
            {
                var errno = LookupOne(k, v);
                if (errno == Errno.ENOENT)
                {
                    continue; // deleted since GET_NEXT_KEY returned it
                }
                if (errno != 0)
                {
                    throw BpfException.For(BpfCommand.MapLookupElem, errno, Name);
                }
            }
            current.CopyTo(keys.AsSpan(slot * KeySize, KeySize));
            total++;
        }
        return total;
    }

    private void EnsureCapacity(ref byte[] keys, ref byte[] values, int entries)
    {
        if (keys.Length >= entries * KeySize && values.Length >= entries * ValueSize)
        {
            return;
        }
        var grown = Math.Max(entries, keys.Length / KeySize * 2);
        Array.Resize(ref keys, grown * KeySize);
        Array.Resize(ref values, grown * ValueSize);
    }

    private unsafe int UpdateOne(byte* key, byte* value, BpfUpdateFlags flags)
    {
        var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)key, ValueOrNextKey = (ulong)value, Flags = (ulong)flags };
        return BpfSyscall.TryInvoke(BpfCommand.MapUpdateElem, ref attr, out _);
    }

    private unsafe int LookupOne(byte* key, byte* value)
    {
        var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)key, ValueOrNextKey = (ulong)value };
        return BpfSyscall.TryInvoke(BpfCommand.MapLookupElem, ref attr, out _);
    }

    private unsafe int DeleteOne(byte* key)
    {
        var attr = new MapElemAttr { MapFd = (uint)Descriptor.Fd, Key = (ulong)key };
        return BpfSyscall.TryInvoke(BpfCommand.MapDeleteElem, ref attr, out _);
    }

    // Kernels before 5.6 answer an unknown command with EINVAL; map types without batch ops give ENOTSUPP.
    private static bool IsBatchUnsupported(int errno) => errno is Errno.EINVAL or Errno.ENOTSUPP or Errno.EOPNOTSUPP;

    private static unsafe BpfMapInfo QueryInfo(BpfFileDescriptor descriptor)
    {
        var raw = default(MapInfoRaw);
        var attr = new ObjGetInfoAttr { BpfFd = (uint)descriptor.Fd, InfoLen = (uint)sizeof(MapInfoRaw), Info = (ulong)&raw };
        var errno = BpfSyscall.TryInvoke(BpfCommand.ObjGetInfoByFd, ref attr, out _);
        if (errno != 0)
        {
            throw BpfException.For(BpfCommand.ObjGetInfoByFd, errno, $"fd {descriptor.Fd}");
        }
        var name = new ReadOnlySpan<byte>(raw.Name, 16);
        var end = name.IndexOf((byte)0);
        return new BpfMapInfo(
            (BpfMapType)raw.Type,
            raw.Id,
            (int)raw.KeySize,
            (int)raw.ValueSize,
            (int)raw.MaxEntries,
            (BpfMapFlags)raw.MapFlags,
            Encoding.ASCII.GetString(end < 0 ? name : name[..end]));
    }

    private int CheckBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values)
    {
        if (keys.Length % KeySize != 0)
        {
            throw new ArgumentException($"keys are {keys.Length} bytes, not a multiple of the key size {KeySize}", nameof(keys));
        }
        var count = keys.Length / KeySize;
        if (values.Length != count * ValueSize)
        {
            throw new ArgumentException($"values are {values.Length} bytes; {count} keys need {count * ValueSize}", nameof(values));
        }
        return count;
    }

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"key is {key.Length} bytes, map key size is {KeySize}", nameof(key));
        }
    }

    private void CheckSizes(ReadOnlySpan<byte> key, int valueLength)
    {
        CheckKey(key);
        if (valueLength != ValueSize)
        {
            throw new ArgumentException($"value is {valueLength} bytes, map value size is {ValueSize}", nameof(valueLength));
        }
    }

    private static byte[] NullTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
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
