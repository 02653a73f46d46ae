using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.Tests;

public sealed class ConcurrentIdSetTests
{
    [Fact]
    public void AddContainsRemove_IdsAcrossPagesAndAtTheEnds_TrackedExactly()
    {
        uint[] ids = [0, 1, 63, 64, 65_535, 65_536, 1_000_000, uint.MaxValue - 1, uint.MaxValue];
        var set = new ConcurrentIdSet(ids.Take(3));

        foreach (var id in ids.Skip(3))
        {
            set.Add(id).Should().BeTrue();
        }
        set.Add(63).Should().BeFalse("63 was already there");

        set.Count.Should().Be(ids.Length);
        ids.Should().OnlyContain(id => set.Contains(id));
        set.Contains(2).Should().BeFalse();
        set.Contains(65_537).Should().BeFalse();
        set.Contains(uint.MaxValue - 2).Should().BeFalse();

        set.Remove(64).Should().BeTrue();
        set.Remove(64).Should().BeFalse();
        set.Remove(123_456_789).Should().BeFalse("its page was never allocated");
        set.Contains(64).Should().BeFalse();
        set.Contains(63).Should().BeTrue("a neighbour in the same word stays");
        set.Count.Should().Be(ids.Length - 1);
    }

    [Fact]
    public async Task Contains_ReadWhileAnotherThreadWrites_SeesEveryIdOnceAdded()
    {
        var set = new ConcurrentIdSet();
        const uint count = 200_000;
        var writer = Task.Run(() =>
        {
            for (uint id = 1; id <= count; id++)
            {
                set.Add(id);
            }
        });
        // IDs are added in order: the reader moves forward as each becomes visible and must reach the last one.
        uint seen = 0;
        while (seen < count)
        {
            while (seen < count && set.Contains(seen + 1))
            {
                seen++;
            }
        }
        await writer;

        set.Count.Should().Be((int)count);
    }
}
