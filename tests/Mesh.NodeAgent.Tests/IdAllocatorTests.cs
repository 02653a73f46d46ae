using Mesh.NodeAgent.Allocation;
using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class IdAllocatorTests
{
    [Fact]
    public void Acquire_SameKey_SameId_ReleasedIdNotReusedRightAway()
    {
        var allocator = new IdAllocator<string>(1, 3);
        allocator.Acquire("a").Should().Be(1);
        allocator.Acquire("a").Should().Be(1);
        allocator.Acquire("b").Should().Be(2);

        allocator.Release("a").Should().BeTrue();
        allocator.Acquire("c").Should().Be(3);
        allocator.Acquire("d").Should().Be(1, "it wraps around to the freed ID");
        allocator.Acquire("e").Should().Be(0, "every ID is in use");
    }

    [Fact]
    public void Restore_KeepsIdsAndSkipsThemForNewKeys_UnclaimedReleasedOnRequest()
    {
        var allocator = new IdAllocator<string>(1, 10);
        allocator.Restore("a", 5).Should().BeTrue();
        allocator.Restore("b", 1).Should().BeTrue();
        allocator.Restore("c", 5).Should().BeFalse("the ID is taken");
        allocator.Restore("d", 11).Should().BeFalse("out of range");

        allocator.Acquire("a").Should().Be(5);
        allocator.Acquire("new").Should().Be(2);

        allocator.ReleaseUnclaimed().Should().Equal("b");
        allocator.TryGet("b", out _).Should().BeFalse();
        allocator.TryGet("a", out var kept).Should().BeTrue();
        kept.Should().Be(5);
    }
}
