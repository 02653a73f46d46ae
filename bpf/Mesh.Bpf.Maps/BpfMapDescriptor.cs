using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Maps;

/// <summary>
/// What a map must look like: the pin name (Cilium's full name, e.g. <c>cilium_lb4_services_v2</c>), type, key
/// and value sizes, capacity and creation flags. A pinned map with a different layout is replaced.
/// </summary>
public sealed record BpfMapDescriptor
{
    public BpfMapDescriptor(string name, BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.AsSpan().IndexOfAnyExcept(NameCharacters) >= 0)
        {
            // bpffs rejects pin names with '.', so the kernel's [A-Za-z0-9_.] is narrowed to what can be pinned.
            throw new ArgumentException($"map name '{name}' may only contain [A-Za-z0-9_]", nameof(name));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
    }

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public string Name { get; }

    public BpfMapType Type { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int MaxEntries { get; init; }

    public BpfMapFlags Flags { get; init; }

    /// <summary>Same type, sizes, capacity and flags: an existing map with this layout can be reused as is.</summary>
    public bool SameLayout(BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags) =>
        Type == type && KeySize == keySize && ValueSize == valueSize && MaxEntries == maxEntries && Flags == flags;

    /// <summary>Why a map with the given layout does not match, for logs and reports; null when it does.</summary>
    public string? LayoutDifference(BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags) =>
        SameLayout(type, keySize, valueSize, maxEntries, flags)
            ? null
            : $"found {type} key {keySize} value {valueSize} max {maxEntries} flags {flags}, want {Type} key {KeySize} value {ValueSize} max {MaxEntries} flags {Flags}";
}
