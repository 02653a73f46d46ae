using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mesh.StateDb.Tables;

/// <summary>
/// A persistent hash array mapped trie (64-way, bitmap-compressed, entries inline). A lookup in 250k keys visits about
/// three nodes and compares hash codes before touching a key, where a balanced binary tree would dereference some 18
/// nodes and keys. Builders mutate in place only the nodes they created themselves (owner token), so a transaction
/// copies each touched path once and shares everything else with the published trie.
/// </summary>
internal sealed class HashTrie<TKey, TValue>
    where TKey : notnull
{
    private const int BitsPerLevel = 6;

    private readonly Node _root;

    private HashTrie(Node root, int count)
    {
        _root = root;
        Count = count;
    }

    public static HashTrie<TKey, TValue> Empty { get; } = new(new Node(0, 0, [], [], null, collision: false), 0);

    public int Count { get; }

    public bool TryGetValue(TKey key, out TValue value) => Find(_root, key, out value);

    private static bool Find(Node root, TKey key, out TValue value)
    {
        var hash = EqualityComparer<TKey>.Default.GetHashCode(key);
        var node = root;
        for (var shift = 0; ; shift += BitsPerLevel)
        {
            if (node.Collision)
            {
                foreach (var entry in node.Entries)
                {
                    if (EqualityComparer<TKey>.Default.Equals(entry.Key, key))
                    {
                        value = entry.Value;
                        return true;
                    }
                }
                break;
            }
            var bit = Bit(hash, shift);
            if ((node.DataMap & bit) != 0)
            {
                ref readonly var entry = ref node.Entries[Index(node.DataMap, bit)];
                if (entry.Hash == hash && EqualityComparer<TKey>.Default.Equals(entry.Key, key))
                {
                    value = entry.Value;
                    return true;
                }
                break;
            }
            if ((node.NodeMap & bit) == 0)
            {
                break;
            }
            node = node.Children[Index(node.NodeMap, bit)];
        }
        value = default!;
        return false;
    }

    public IEnumerable<KeyValuePair<TKey, TValue>> Entries() => Enumerate(_root);

    public IEnumerable<TKey> Keys()
    {
        foreach (var entry in Enumerate(_root))
        {
            yield return entry.Key;
        }
    }

    public Builder ToBuilder() => new(_root, Count);

    private static IEnumerable<KeyValuePair<TKey, TValue>> Enumerate(Node root)
    {
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var entry in node.Entries)
            {
                yield return new KeyValuePair<TKey, TValue>(entry.Key, entry.Value);
            }
            for (var i = node.Children.Length - 1; i >= 0; i--)
            {
                stack.Push(node.Children[i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit(int hash, int shift) => 1ul << (int)(((uint)hash >> shift) & 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(ulong map, ulong bit) => BitOperations.PopCount(map & (bit - 1));

    private static T[] InsertAt<T>(T[] array, int index, T item)
    {
        var result = new T[array.Length + 1];
        Array.Copy(array, result, index);
        result[index] = item;
        Array.Copy(array, index, result, index + 1, array.Length - index);
        return result;
    }

    private static T[] RemoveAt<T>(T[] array, int index)
    {
        if (array.Length == 1)
        {
            return [];
        }
        var result = new T[array.Length - 1];
        Array.Copy(array, result, index);
        Array.Copy(array, index + 1, result, index, array.Length - index - 1);
        return result;
    }

    /// <summary>Transient version of the trie; <see cref="ToImmutable"/> freezes what it built so far.</summary>
    internal sealed class Builder
    {
        private Node _root;
        private object _owner = new();

        internal Builder(Node root, int count)
        {
            _root = root;
            Count = count;
        }

        public int Count { get; private set; }

        public bool TryGetValue(TKey key, out TValue value) => Find(_root, key, out value);

        public IEnumerable<KeyValuePair<TKey, TValue>> Entries() => Enumerate(_root);

        /// <summary>Adds or replaces; returns true when the key was new.</summary>
        public bool Set(TKey key, TValue value)
        {
            var added = false;
            _root = SetIn(_root, new Entry(key, value, EqualityComparer<TKey>.Default.GetHashCode(key)), 0, ref added);
            if (added)
            {
                Count++;
            }
            return added;
        }

        /// <summary>Returns true when the key was present.</summary>
        public bool Remove(TKey key)
        {
            var removed = false;
            _root = RemoveFrom(_root, key, EqualityComparer<TKey>.Default.GetHashCode(key), 0, ref removed);
            if (removed)
            {
                Count--;
            }
            return removed;
        }

        public HashTrie<TKey, TValue> ToImmutable()
        {
            // Nodes owned by the old token are now shared with the published trie: never mutate them again.
            _owner = new object();
            return new HashTrie<TKey, TValue>(_root, Count);
        }

        private Node Editable(Node node) => ReferenceEquals(node.Owner, _owner)
            ? node
            : new Node(node.DataMap, node.NodeMap, (Entry[])node.Entries.Clone(), (Node[])node.Children.Clone(), _owner, node.Collision);

        private Node SetIn(Node node, Entry entry, int shift, ref bool added)
        {
            if (node.Collision)
            {
                for (var i = 0; i < node.Entries.Length; i++)
                {
                    if (EqualityComparer<TKey>.Default.Equals(node.Entries[i].Key, entry.Key))
                    {
                        var same = Editable(node);
                        same.Entries[i] = entry;
                        return same;
                    }
                }
                added = true;
                var grown = Editable(node);
                grown.Entries = InsertAt(grown.Entries, grown.Entries.Length, entry);
                return grown;
            }
            var bit = Bit(entry.Hash, shift);
            if ((node.DataMap & bit) != 0)
            {
                var index = Index(node.DataMap, bit);
                var existing = node.Entries[index];
                if (existing.Hash == entry.Hash && EqualityComparer<TKey>.Default.Equals(existing.Key, entry.Key))
                {
                    var replaced = Editable(node);
                    replaced.Entries[index] = entry;
                    return replaced;
                }
                added = true;
                var split = Editable(node);
                split.DataMap ^= bit;
                split.Entries = RemoveAt(split.Entries, index);
                split.NodeMap |= bit;
                split.Children = InsertAt(split.Children, Index(split.NodeMap, bit), Merge(existing, entry, shift + BitsPerLevel));
                return split;
            }
            if ((node.NodeMap & bit) != 0)
            {
                var index = Index(node.NodeMap, bit);
                var child = node.Children[index];
                var updated = SetIn(child, entry, shift + BitsPerLevel, ref added);
                if (ReferenceEquals(updated, child))
                {
                    return node;
                }
                var parent = Editable(node);
                parent.Children[index] = updated;
                return parent;
            }
            added = true;
            var inserted = Editable(node);
            inserted.DataMap |= bit;
            inserted.Entries = InsertAt(inserted.Entries, Index(inserted.DataMap, bit), entry);
            return inserted;
        }

        private Node Merge(Entry first, Entry second, int shift)
        {
            if (shift >= 32)
            {
                // Equal 32-bit hashes: no bits left to tell them apart.
                return new Node(0, 0, [first, second], [], _owner, collision: true);
            }
            var a = Bit(first.Hash, shift);
            var b = Bit(second.Hash, shift);
            if (a == b)
            {
                return new Node(0, a, [], [Merge(first, second, shift + BitsPerLevel)], _owner, collision: false);
            }
            return new Node(a | b, 0, a < b ? [first, second] : [second, first], [], _owner, collision: false);
        }

        private Node RemoveFrom(Node node, TKey key, int hash, int shift, ref bool removed)
        {
            if (node.Collision)
            {
                for (var i = 0; i < node.Entries.Length; i++)
                {
                    if (EqualityComparer<TKey>.Default.Equals(node.Entries[i].Key, key))
                    {
                        removed = true;
                        var shrunk = Editable(node);
                        shrunk.Entries = RemoveAt(shrunk.Entries, i);
                        return shrunk;
                    }
                }
                return node;
            }
            var bit = Bit(hash, shift);
            if ((node.DataMap & bit) != 0)
            {
                var index = Index(node.DataMap, bit);
                ref readonly var entry = ref node.Entries[index];
                if (entry.Hash != hash || !EqualityComparer<TKey>.Default.Equals(entry.Key, key))
                {
                    return node;
                }
                removed = true;
                var without = Editable(node);
                without.DataMap ^= bit;
                without.Entries = RemoveAt(without.Entries, index);
                return without;
            }
            if ((node.NodeMap & bit) != 0)
            {
                var index = Index(node.NodeMap, bit);
                var child = node.Children[index];
                var updated = RemoveFrom(child, key, hash, shift + BitsPerLevel, ref removed);
                if (!removed)
                {
                    return node;
                }
                if (updated.Children.Length == 0 && updated.Entries.Length <= 1)
                {
                    // Keep the trie canonical: an empty child goes, a single entry moves up into this node.
                    var parent = Editable(node);
                    parent.NodeMap ^= bit;
                    parent.Children = RemoveAt(parent.Children, index);
                    if (updated.Entries.Length == 1)
                    {
                        parent.DataMap |= bit;
                        parent.Entries = InsertAt(parent.Entries, Index(parent.DataMap, bit), updated.Entries[0]);
                    }
                    return parent;
                }
                if (ReferenceEquals(updated, child))
                {
                    return node;
                }
                var replaced = Editable(node);
                replaced.Children[index] = updated;
                return replaced;
            }
            return node;
        }
    }

    internal readonly record struct Entry(TKey Key, TValue Value, int Hash);

    internal sealed class Node(ulong dataMap, ulong nodeMap, Entry[] entries, Node[] children, object? owner, bool collision)
    {
        public ulong DataMap = dataMap;
        public ulong NodeMap = nodeMap;
        public Entry[] Entries = entries;
        public Node[] Children = children;
        public readonly object? Owner = owner;
        public readonly bool Collision = collision;
    }
}
