namespace Mesh.StateDb.Tables;

/// <summary>Index key → primary keys of the rows under it.</summary>
internal sealed class SecondaryIndexState<TRow, TKey, TIndexKey> : IndexState<TRow, TKey>
    where TRow : class
    where TKey : notnull
    where TIndexKey : notnull
{
    private SecondaryIndexState(Index<TRow, TIndexKey> definition, HashTrie<TIndexKey, HashTrie<TKey, bool>> map)
    {
        Definition = definition;
        Map = map;
    }

    public Index<TRow, TIndexKey> Definition { get; }

    public HashTrie<TIndexKey, HashTrie<TKey, bool>> Map { get; }

    public static SecondaryIndexState<TRow, TKey, TIndexKey> Empty(Index<TRow, TIndexKey> definition) =>
        new(definition, HashTrie<TIndexKey, HashTrie<TKey, bool>>.Empty);

    public override IndexStateBuilder<TRow, TKey> ToBuilder() => new Builder(this);

    private sealed class Builder(SecondaryIndexState<TRow, TKey, TIndexKey> origin) : IndexStateBuilder<TRow, TKey>
    {
        // Only the sets of index keys touched by the transaction get a builder; the rest stay shared.
        private readonly Dictionary<TIndexKey, HashTrie<TKey, bool>.Builder> _touched = [];

        public override void Add(TRow row, TKey key)
        {
            if (origin.Definition.Single is { } single)
            {
                SetFor(single(row)).Set(key, true);
                return;
            }
            foreach (var indexKey in origin.Definition.Multiple!(row))
            {
                SetFor(indexKey).Set(key, true);
            }
        }

        public override void Remove(TRow row, TKey key)
        {
            if (origin.Definition.Single is { } single)
            {
                SetFor(single(row)).Remove(key);
                return;
            }
            foreach (var indexKey in origin.Definition.Multiple!(row))
            {
                SetFor(indexKey).Remove(key);
            }
        }

        public override void Replace(TRow previous, TRow row, TKey key)
        {
            if (origin.Definition.Single is { } single)
            {
                var before = single(previous);
                var after = single(row);
                if (!EqualityComparer<TIndexKey>.Default.Equals(before, after))
                {
                    SetFor(before).Remove(key);
                    SetFor(after).Set(key, true);
                }
                return;
            }
            Remove(previous, key);
            Add(row, key);
        }

        public override IndexState<TRow, TKey> ToImmutable()
        {
            if (_touched.Count == 0)
            {
                return origin;
            }
            var map = origin.Map.ToBuilder();
            foreach (var (indexKey, keys) in _touched)
            {
                if (keys.Count == 0)
                {
                    map.Remove(indexKey);
                }
                else
                {
                    map.Set(indexKey, keys.ToImmutable());
                }
            }
            return new SecondaryIndexState<TRow, TKey, TIndexKey>(origin.Definition, map.ToImmutable());
        }

        private HashTrie<TKey, bool>.Builder SetFor(TIndexKey indexKey)
        {
            if (!_touched.TryGetValue(indexKey, out var keys))
            {
                keys = (origin.Map.TryGetValue(indexKey, out var existing) ? existing : HashTrie<TKey, bool>.Empty).ToBuilder();
                _touched.Add(indexKey, keys);
            }
            return keys;
        }
    }
}
