using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// A growable list on <see cref="ArrayPool{T}.Shared"/>, for a per-file table that lives only while the file is read: a
/// file of 10k documents grew a fresh list to a large-object-heap array each time.
/// </summary>
internal sealed class PooledList<T>(int initialCapacity) : IDisposable
{
    private T[] _items = ArrayPool<T>.Shared.Rent(Math.Max(initialCapacity, 16));

    public int Count { get; private set; }

    public T this[int index] => (uint)index < (uint)Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            Return(_items);
            _items = larger;
        }
        _items[Count++] = item;
    }

    public void Dispose()
    {
        var items = Interlocked.Exchange(ref _items, []);
        if (items.Length > 0)
        {
            Return(items);
        }
        Count = 0;
    }

    // Cleared when it holds references, so a pooled array keeps nothing alive.
    private static void Return(T[] items) => ArrayPool<T>.Shared.Return(items, RuntimeHelpers.IsReferenceOrContainsReferences<T>());
}
