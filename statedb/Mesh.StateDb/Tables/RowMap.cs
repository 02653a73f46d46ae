using System.Collections.Immutable;

namespace Mesh.StateDb.Tables;

/// <summary>
/// The persistent primary storage of a table: a hash trie for lookups and, when keys can be compared, a sorted set of
/// the keys for ordered enumeration. The sorted set changes only when keys come or go, not when rows are replaced.
/// </summary>
internal abstract class RowMap<TKey, TValue>
    where TKey : notnull
{
    public abstract int Count { get; }

    public abstract bool TryGetValue(TKey key, out TValue value);

    public abstract IEnumerable<KeyValuePair<TKey, TValue>> Entries();

    public abstract Builder ToBuilder();

    public static RowMap<TKey, TValue> Empty(IComparer<TKey>? comparer) =>
        comparer is null
            ? new Hashed(HashTrie<TKey, TValue>.Empty)
            : new Sorted(HashTrie<TKey, TValue>.Empty, ImmutableSortedSet.Create(comparer));

    internal abstract class Builder
    {
        public abstract int Count { get; }

        public abstract bool TryGetValue(TKey key, out TValue value);

        public abstract void Set(TKey key, TValue value);

        public abstract void Remove(TKey key);

        public abstract IEnumerable<KeyValuePair<TKey, TValue>> Entries();

        public abstract RowMap<TKey, TValue> ToImmutable();
    }

    private sealed class Hashed(HashTrie<TKey, TValue> rows) : RowMap<TKey, TValue>
    {
        public override int Count => rows.Count;

        public override bool TryGetValue(TKey key, out TValue value) => rows.TryGetValue(key, out value);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => rows.Entries();

        public override Builder ToBuilder() => new HashedBuilder(rows.ToBuilder());
    }

    private sealed class HashedBuilder(HashTrie<TKey, TValue>.Builder rows) : Builder
    {
        public override int Count => rows.Count;

        public override bool TryGetValue(TKey key, out TValue value) => rows.TryGetValue(key, out value);

        public override void Set(TKey key, TValue value) => rows.Set(key, value);

        public override void Remove(TKey key) => rows.Remove(key);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => rows.Entries();

        public override RowMap<TKey, TValue> ToImmutable() => new Hashed(rows.ToImmutable());
    }

    private sealed class Sorted(HashTrie<TKey, TValue> rows, ImmutableSortedSet<TKey> keys) : RowMap<TKey, TValue>
    {
        public override int Count => rows.Count;

        public override bool TryGetValue(TKey key, out TValue value) => rows.TryGetValue(key, out value);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => Ordered(keys, rows);

        public override Builder ToBuilder() => new SortedBuilder(rows.ToBuilder(), keys);

        private static IEnumerable<KeyValuePair<TKey, TValue>> Ordered(ImmutableSortedSet<TKey> keys, HashTrie<TKey, TValue> rows)
        {
            foreach (var key in keys)
            {
                rows.TryGetValue(key, out var value);
                yield return new KeyValuePair<TKey, TValue>(key, value);
            }
        }
    }

    private sealed class SortedBuilder(HashTrie<TKey, TValue>.Builder rows, ImmutableSortedSet<TKey> keys) : Builder
    {
        private ImmutableSortedSet<TKey>.Builder? _keys;

        public override int Count => rows.Count;

        public override bool TryGetValue(TKey key, out TValue value) => rows.TryGetValue(key, out value);

        public override void Set(TKey key, TValue value)
        {
            if (rows.Set(key, value))
            {
                (_keys ??= keys.ToBuilder()).Add(key);
            }
        }

        public override void Remove(TKey key)
        {
            if (rows.Remove(key))
            {
                (_keys ??= keys.ToBuilder()).Remove(key);
            }
        }

        // Unordered: only transactions enumerate a builder, and they do not promise an order.
        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => rows.Entries();

        public override RowMap<TKey, TValue> ToImmutable() => new Sorted(rows.ToImmutable(), _keys?.ToImmutable() ?? keys);
    }
}
