using System.Buffers.Binary;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Maps.Userspace;

/// <summary>
/// A userspace map saved to disk: "MESHMAP1", then type, key size, value size, max entries, flags and count as
/// little-endian u32s, then the packed entries. Written to a temporary file and renamed, so a crash leaves the
/// previous state.
/// </summary>
internal static class UserspaceMapFile
{
    private const int HeaderSize = 8 + (6 * 4);
    private static ReadOnlySpan<byte> Magic => "MESHMAP1"u8;

    public static void Save(string path, BpfMapDescriptor descriptor, BpfMapEntries entries)
    {
        var staging = path + ".tmp";
        using (var stream = new FileStream(staging, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)descriptor.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)descriptor.KeySize);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)descriptor.ValueSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)descriptor.MaxEntries);
            BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)descriptor.Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)entries.Count);
            stream.Write(header);
            for (var i = 0; i < entries.Count; i++)
            {
                stream.Write(entries.Key(i));
                stream.Write(entries.Value(i));
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(staging, path, overwrite: true);
    }

    /// <summary>Reads a saved map; false with the reason when the file is not one.</summary>
    public static bool TryLoad(string path, string name, out BpfMapDescriptor? descriptor, out BpfMapEntries? entries, out string? error)
    {
        descriptor = null;
        entries = null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            error = "not a saved map (bad header)";
            return false;
        }
        var span = bytes.AsSpan();
        var type = (BpfMapType)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        var keySize = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        var valueSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        var maxEntries = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        var flags = (BpfMapFlags)BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[28..]);
        if (keySize <= 0 || valueSize <= 0 || maxEntries <= 0 || count < 0 || (long)count * (keySize + valueSize) != bytes.Length - HeaderSize)
        {
            error = $"header says {count} entries of {keySize}+{valueSize} bytes, file holds {bytes.Length - HeaderSize} bytes";
            return false;
        }
        var keys = new byte[Math.Max(1, count * keySize)];
        var values = new byte[Math.Max(1, count * valueSize)];
        var offset = HeaderSize;
        for (var i = 0; i < count; i++)
        {
            span.Slice(offset, keySize).CopyTo(keys.AsSpan(i * keySize));
            offset += keySize;
            span.Slice(offset, valueSize).CopyTo(values.AsSpan(i * valueSize));
            offset += valueSize;
        }
        descriptor = new BpfMapDescriptor(name, type, keySize, valueSize, maxEntries, flags);
        entries = new BpfMapEntries(keySize, valueSize, keys, values, count);
        error = null;
        return true;
    }
}
