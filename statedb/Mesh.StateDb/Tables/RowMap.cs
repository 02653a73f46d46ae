using System.Collections.Immutable;

namespace Mesh.StateDb.Tables;

/// <summary>
/// The persistent primary storage of a table: an ordered tree when keys can be compared, a hash tree otherwise.
/// Write transactions mutate a builder that shares every untouched node with the published map.
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
            ? new Hashed(ImmutableDictionary.Create<TKey, TValue>(EqualityComparer<TKey>.Default, NeverEqual.Instance))
            : new Sorted(ImmutableSortedDictionary.Create(comparer, NeverEqual.Instance));

    internal abstract class Builder
    {
        public abstract int Count { get; }

        public abstract bool TryGetValue(TKey key, out TValue value);

        public abstract void Set(TKey key, TValue value);

        public abstract void Remove(TKey key);

        public abstract IEnumerable<KeyValuePair<TKey, TValue>> Entries();

        public abstract RowMap<TKey, TValue> ToImmutable();
    }

    private sealed class Sorted(ImmutableSortedDictionary<TKey, TValue> map) : RowMap<TKey, TValue>
    {
        public override int Count => map.Count;

        public override bool TryGetValue(TKey key, out TValue value) => map.TryGetValue(key, out value!);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => map;

        public override Builder ToBuilder() => new SortedBuilder(map.ToBuilder());
    }

    private sealed class SortedBuilder(ImmutableSortedDictionary<TKey, TValue>.Builder builder) : Builder
    {
        public override int Count => builder.Count;

        public override bool TryGetValue(TKey key, out TValue value) => builder.TryGetValue(key, out value!);

        public override void Set(TKey key, TValue value) => builder[key] = value;

        public override void Remove(TKey key) => builder.Remove(key);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => builder;

        public override RowMap<TKey, TValue> ToImmutable() => new Sorted(builder.ToImmutable());
    }

    private sealed class Hashed(ImmutableDictionary<TKey, TValue> map) : RowMap<TKey, TValue>
    {
        public override int Count => map.Count;

        public override bool TryGetValue(TKey key, out TValue value) => map.TryGetValue(key, out value!);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => map;

        public override Builder ToBuilder() => new HashedBuilder(map.ToBuilder());
    }

    private sealed class HashedBuilder(ImmutableDictionary<TKey, TValue>.Builder builder) : Builder
    {
        public override int Count => builder.Count;

        public override bool TryGetValue(TKey key, out TValue value) => builder.TryGetValue(key, out value!);

        public override void Set(TKey key, TValue value) => builder[key] = value;

        public override void Remove(TKey key) => builder.Remove(key);

        public override IEnumerable<KeyValuePair<TKey, TValue>> Entries() => builder;

        public override RowMap<TKey, TValue> ToImmutable() => new Hashed(builder.ToImmutable());
    }

    /// <summary>
    /// The table compares rows itself before writing; telling the tree that values never match makes it replace
    /// without a second deep record comparison.
    /// </summary>
    private sealed class NeverEqual : IEqualityComparer<TValue>
    {
        public static readonly NeverEqual Instance = new();

        public bool Equals(TValue? x, TValue? y) => false;

        public int GetHashCode(TValue obj) => 0;
    }
}
