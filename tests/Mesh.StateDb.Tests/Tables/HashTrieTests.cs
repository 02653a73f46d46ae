using Mesh.StateDb.Tables;
using Mesh.Testing;

namespace Mesh.StateDb.Tests.Tables;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class HashTrieTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Builder_RandomSetsAndRemoves_MatchesDictionaryAndKeepsOldVersions(int hashBits)
    {
        // hashBits 4: 16 distinct hash codes for 2000 keys, so most keys share a full 32-bit hash (collision nodes).
        var random = new Random(7);
        var expected = new Dictionary<Key, int>();
        var trie = HashTrie<Key, int>.Empty;
        var versions = new List<(HashTrie<Key, int> Trie, Dictionary<Key, int> Contents)>();
        for (var round = 0; round < 40; round++)
        {
            var builder = trie.ToBuilder();
            for (var op = 0; op < 200; op++)
            {
                var key = new Key(random.Next(2000), hashBits);
                if (random.Next(3) == 0)
                {
                    builder.Remove(key).Should().Be(expected.Remove(key));
                }
                else
                {
                    var value = random.Next();
                    builder.Set(key, value).Should().Be(!expected.ContainsKey(key));
                    expected[key] = value;
                }
            }
            trie = builder.ToImmutable();
            versions.Add((trie, new Dictionary<Key, int>(expected)));
        }

        foreach (var (version, contents) in versions)
        {
            version.Count.Should().Be(contents.Count);
            version.Entries().Should().BeEquivalentTo(contents);
            foreach (var (key, value) in contents)
            {
                version.TryGetValue(key, out var found).Should().BeTrue();
                found.Should().Be(value);
            }
            version.TryGetValue(new Key(5000, hashBits), out _).Should().BeFalse();
        }
    }

    [Fact]
    public void Builder_RemoveEverything_LeavesAnEmptyTrie()
    {
        var builder = HashTrie<int, int>.Empty.ToBuilder();
        for (var i = 0; i < 5000; i++)
        {
            builder.Set(i * 7919, i);
        }
        var full = builder.ToImmutable();

        for (var i = 0; i < 5000; i++)
        {
            builder.Remove(i * 7919).Should().BeTrue();
        }
        var empty = builder.ToImmutable();

        empty.Count.Should().Be(0);
        empty.Entries().Should().BeEmpty();
        full.Count.Should().Be(5000);
        full.TryGetValue(4999 * 7919, out var last).Should().BeTrue();
        last.Should().Be(4999);
    }

    private readonly record struct Key(int Value, int HashBits)
    {
        public bool Equals(Key other) => Value == other.Value;

        public override int GetHashCode() => HashBits == 0 ? Value * -1640531535 : Value & ((1 << HashBits) - 1);
    }
}
