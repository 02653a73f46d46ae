using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Maps.Userspace;

/// <summary>
/// One map held in process with the kernel's semantics: same key/value sizes, max_entries enforced with the same
/// "map full" error (E2BIG for hashes, ENOSPC for LPM tries), absent deletes reported as false, batches stopping
/// at the first failing element, and longest-prefix lookups for LPM tries.
/// </summary>
internal sealed class UserspaceMap
{
    private const int LpmPrefixBytes = 4;

    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], byte[]> _entries;
    private readonly Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public UserspaceMap(BpfMapDescriptor descriptor)
    {
        Descriptor = descriptor;
        _entries = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public BpfMapDescriptor Descriptor { get; }

    private bool IsLpm => Descriptor.Type == BpfMapType.LpmTrie;

    private int MaxPrefixBits => (Descriptor.KeySize - LpmPrefixBytes) * 8;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        CheckSizes(key, value.Length);
        Span<byte> normalized = stackalloc byte[key.Length];
        lock (_gate)
        {
            var errno = TryUpdate(key, value, normalized);
            if (errno != 0)
            {
                throw BpfException.For(BpfCommand.MapUpdateElem, errno, Descriptor.Name);
            }
        }
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        Span<byte> normalized = stackalloc byte[key.Length];
        lock (_gate)
        {
            if (TryDelete(key, normalized, out var errno))
            {
                return true;
            }
            return errno == 0 ? false : throw BpfException.For(BpfCommand.MapDeleteElem, errno, Descriptor.Name);
        }
    }

    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key, value.Length);
        lock (_gate)
        {
            if (!IsLpm)
            {
                if (!_lookup.TryGetValue(key, out var found))
                {
                    return false;
                }
                found.CopyTo(value);
                return true;
            }
            var prefix = LpmPrefix(key);
            if (prefix > MaxPrefixBits)
            {
                throw BpfException.For(BpfCommand.MapLookupElem, Errno.EINVAL, Descriptor.Name);
            }
            // Longest prefix first: the kernel's trie answers with the most specific entry covering the key.
            Span<byte> probe = stackalloc byte[key.Length];
            for (var bits = (int)prefix; bits >= 0; bits--)
            {
                Normalize(key, bits, probe);
                if (_lookup.TryGetValue(probe, out var found))
                {
                    found.CopyTo(value);
                    return true;
                }
            }
            return false;
        }
    }

    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values)
    {
        var count = CheckBatch(keys, values);
        var keySize = Descriptor.KeySize;
        var valueSize = Descriptor.ValueSize;
        Span<byte> normalized = stackalloc byte[keySize];
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                var errno = TryUpdate(keys.Slice(i * keySize, keySize), values.Slice(i * valueSize, valueSize), normalized);
                if (errno != 0)
                {
                    throw BpfException.For(BpfCommand.MapUpdateBatch, errno, Descriptor.Name, i);
                }
            }
        }
        return count;
    }

    public int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        var keySize = Descriptor.KeySize;
        if (keys.Length % keySize != 0)
        {
            throw new ArgumentException($"keys are {keys.Length} bytes, not a multiple of the key size {keySize}", nameof(keys));
        }
        Span<byte> normalized = stackalloc byte[keySize];
        var deleted = 0;
        lock (_gate)
        {
            for (var i = 0; i < keys.Length / keySize; i++)
            {
                if (TryDelete(keys.Slice(i * keySize, keySize), normalized, out var errno))
                {
                    deleted++;
                }
                else if (errno != 0)
                {
                    throw BpfException.For(BpfCommand.MapDeleteBatch, errno, Descriptor.Name, i);
                }
            }
        }
        return deleted;
    }

    public BpfMapEntries Dump()
    {
        lock (_gate)
        {
            var keySize = Descriptor.KeySize;
            var valueSize = Descriptor.ValueSize;
            var keys = new byte[Math.Max(1, _entries.Count * keySize)];
            var values = new byte[Math.Max(1, _entries.Count * valueSize)];
            var i = 0;
            foreach (var (key, value) in _entries)
            {
                key.CopyTo(keys, i * keySize);
                value.CopyTo(values, i * valueSize);
                i++;
            }
            return new BpfMapEntries(keySize, valueSize, keys, values, i);
        }
    }

    /// <summary>Loads entries read from a state file; the caller checked the layout.</summary>
    public void Load(BpfMapEntries entries)
    {
        lock (_gate)
        {
            for (var i = 0; i < entries.Count && _entries.Count < Descriptor.MaxEntries; i++)
            {
                _entries[entries.Key(i).ToArray()] = entries.Value(i).ToArray();
            }
        }
    }

    private int TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Span<byte> normalized)
    {
        if (IsLpm)
        {
            var prefix = LpmPrefix(key);
            if (prefix > MaxPrefixBits)
            {
                return Errno.EINVAL;
            }
            Normalize(key, (int)prefix, normalized);
            key = normalized;
        }
        if (_lookup.TryGetValue(key, out var existing))
        {
            value.CopyTo(existing);
            return 0;
        }
        if (_entries.Count >= Descriptor.MaxEntries)
        {
            return IsLpm ? Errno.ENOSPC : Errno.E2BIG;
        }
        _entries.Add(key.ToArray(), value.ToArray());
        return 0;
    }

    private bool TryDelete(ReadOnlySpan<byte> key, Span<byte> normalized, out int errno)
    {
        errno = 0;
        if (IsLpm)
        {
            var prefix = LpmPrefix(key);
            if (prefix > MaxPrefixBits)
            {
                errno = Errno.EINVAL;
                return false;
            }
            Normalize(key, (int)prefix, normalized);
            key = normalized;
        }
        return _lookup.Remove(key);
    }

    private static uint LpmPrefix(ReadOnlySpan<byte> key) => BitConverter.ToUInt32(key);

    /// <summary>The trie ignores bits past the prefix, so entries are stored with them cleared.</summary>
    private static void Normalize(ReadOnlySpan<byte> key, int prefixBits, Span<byte> destination)
    {
        key.CopyTo(destination);
        BitConverter.TryWriteBytes(destination, (uint)prefixBits);
        var data = destination[LpmPrefixBytes..];
        for (var i = 0; i < data.Length; i++)
        {
            var keep = Math.Clamp(prefixBits - (i * 8), 0, 8);
            data[i] &= (byte)(0xff << (8 - keep));
        }
    }

    private int CheckBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values)
    {
        if (keys.Length % Descriptor.KeySize != 0)
        {
            throw new ArgumentException($"keys are {keys.Length} bytes, not a multiple of the key size {Descriptor.KeySize}", nameof(keys));
        }
        var count = keys.Length / Descriptor.KeySize;
        if (values.Length != count * Descriptor.ValueSize)
        {
            throw new ArgumentException($"values are {values.Length} bytes; {count} keys need {count * Descriptor.ValueSize}", nameof(values));
        }
        return count;
    }

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Descriptor.KeySize)
        {
            throw new ArgumentException($"key is {key.Length} bytes, map key size is {Descriptor.KeySize}", nameof(key));
        }
    }

    private void CheckSizes(ReadOnlySpan<byte> key, int valueLength)
    {
        CheckKey(key);
        if (valueLength != Descriptor.ValueSize)
        {
            throw new ArgumentException($"value is {valueLength} bytes, map value size is {Descriptor.ValueSize}", nameof(valueLength));
        }
    }
}
