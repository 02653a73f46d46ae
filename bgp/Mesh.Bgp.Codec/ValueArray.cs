using System.Collections;
using System.Runtime.CompilerServices;

namespace Mesh.Bgp.Codec;

/// <summary>
/// An immutable array with structural equality, so that records holding lists (AS paths, communities,
/// capabilities) compare and hash by content: the Adj-RIB-Out groups prefixes by equal attribute sets.
/// </summary>
[CollectionBuilder(typeof(ValueArray), nameof(ValueArray.Create))]
#pragma warning disable CA1710 // a value type, not a collection class; the name says what it is
public readonly struct ValueArray<T> : IEquatable<ValueArray<T>>, IReadOnlyList<T>
#pragma warning restore CA1710
{
    private readonly T[]? _items;

    public ValueArray(T[] items) => _items = items;

    public int Count => _items?.Length ?? 0;

    public bool IsEmpty => Count == 0;

    public T this[int index] => (_items ?? [])[index];

    public ReadOnlySpan<T> AsSpan() => _items;

    public T[] ToArray() => _items is null ? [] : (T[])_items.Clone();

    public static implicit operator ValueArray<T>(T[] items) => new(items);

    public static bool operator ==(ValueArray<T> left, ValueArray<T> right) => left.Equals(right);

    public static bool operator !=(ValueArray<T> left, ValueArray<T> right) => !left.Equals(right);

    public bool Equals(ValueArray<T> other)
    {
        var a = AsSpan();
        var b = other.AsSpan();
        if (a.Length != b.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ValueArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items ?? []) + "]";

    public ReadOnlySpan<T>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();
}
