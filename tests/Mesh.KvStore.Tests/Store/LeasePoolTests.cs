using Mesh.KvStore.Store;
using Mesh.Testing;

namespace Mesh.KvStore.Tests.Store;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LeasePoolTests
{
    [Fact]
    public void TryAssign_NewestLeaseFull_AsksForANewOneAndKeysKeepTheirLease()
    {
        var pool = new LeasePool(maxKeysPerLease: 2);
        pool.TryAssign("a").Should().Be(0);
        pool.AddLease(10, "a");
        pool.TryAssign("b").Should().Be(10);
        pool.TryAssign("c").Should().Be(0, "lease 10 holds two keys");
        pool.AddLease(11, "c");

        pool.TryAssign("a").Should().Be(10, "a key written again keeps its lease");
        pool.KeyCount.Should().Be(3);
        pool.Leases().Should().BeEquivalentTo([10L, 11L]);
    }

    [Fact]
    public void Release_FreesARoomOnTheNewestLease()
    {
        var pool = new LeasePool(maxKeysPerLease: 2);
        pool.AddLease(10, "a");
        pool.TryAssign("b").Should().Be(10);
        pool.TryAssign("c").Should().Be(0);

        pool.Release("a");

        pool.TryAssign("c").Should().Be(10);
        pool.KeyCount.Should().Be(2);
    }

    [Fact]
    public void Lose_ReturnsExactlyTheLeasesKeysSortedAndForgetsThem()
    {
        var pool = new LeasePool(maxKeysPerLease: 3);
        pool.AddLease(10, "k2");
        pool.TryAssign("k1").Should().Be(10);
        pool.TryAssign("k3").Should().Be(10);
        pool.AddLease(11, "other");
        pool.Release("k3");

        pool.Lose(10).Should().Equal("k1", "k2");

        pool.Lose(10).Should().BeEmpty("a lease is lost once");
        pool.Leases().Should().Equal(11L);
        pool.TryAssign("k1").Should().Be(11, "a key of the lost lease joins the newest one");
    }

    [Fact]
    public void Lose_TheNewestLease_NextKeyNeedsAGrant()
    {
        var pool = new LeasePool(maxKeysPerLease: 5);
        pool.AddLease(10, "a");

        pool.Lose(10);

        pool.TryAssign("b").Should().Be(0);
        pool.LeaseCount.Should().Be(0);
    }

    [Fact]
    public void ReleasePrefix_ForgetsOnlyItsKeys()
    {
        var pool = new LeasePool(maxKeysPerLease: 2);
        pool.AddLease(10, "x/1");
        pool.TryAssign("y/1").Should().Be(10);

        pool.ReleasePrefix("x/");

        pool.KeyCount.Should().Be(1);
        pool.TryAssign("x/2").Should().Be(10, "the prefix's key left room on the lease");
        pool.Lose(10).Should().Equal("x/2", "y/1");
    }

    [Fact]
    public void Spare_AskedForAtHalfFull_TakesOverWhenTheNewestIsFull()
    {
        var pool = new LeasePool(maxKeysPerLease: 4);
        pool.AddLease(10, "a");
        pool.WantsSpare.Should().BeFalse("one of four keys");
        var leases = new long[1];
        pool.TryAssign([new KvWrite("b", new byte[] { 1 })], leases).Should().BeTrue("two of four keys: time to grant the next");
        leases[0].Should().Be(10);

        pool.AddSpare(11);

        pool.WantsSpare.Should().BeFalse("a spare is there");
        pool.TryAssign("c").Should().Be(10);
        pool.TryAssign("d").Should().Be(10);
        pool.TryAssign("e").Should().Be(11, "lease 10 is full and the spare takes over without a grant");
        pool.WantsSpare.Should().BeFalse("one of four keys on the new newest");
        pool.Leases().Should().BeEquivalentTo([10L, 11L]);
    }

    [Fact]
    public void Spare_Lost_IsForgottenAndWithoutNewestItBecomesTheNewest()
    {
        var pool = new LeasePool(maxKeysPerLease: 2);
        pool.AddLease(10, "a");
        pool.AddSpare(11);
        pool.Lose(11).Should().BeEmpty();
        pool.TryAssign("b").Should().Be(10);
        pool.TryAssign("c").Should().Be(0, "the spare was lost");

        pool.Lose(10);
        pool.AddSpare(12);

        pool.TryAssign("c").Should().Be(12, "with no newest lease a spare is used at once");
    }
}
