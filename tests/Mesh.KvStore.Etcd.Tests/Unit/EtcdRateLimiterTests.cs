using Mesh.KvStore.Etcd.Limits;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.KvStore.Etcd.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EtcdRateLimiterTests
{
    [Fact]
    public async Task AcquireAsync_BeyondBurst_WaitsForClock()
    {
        var clock = new FakeClock();
        using var limiter = new EtcdRateLimiter(bootstrapQps: 2, qps: 2, maxInflight: 0, clock);
        (await limiter.AcquireAsync(CancellationToken.None)).Dispose();
        (await limiter.AcquireAsync(CancellationToken.None)).Dispose();

        var third = limiter.AcquireAsync(CancellationToken.None).AsTask();

        third.IsCompleted.Should().BeFalse();
        clock.Advance(TimeSpan.FromMilliseconds(500));
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_MaxInflightHeld_BlocksUntilReleased()
    {
        using var limiter = new EtcdRateLimiter(0, 0, maxInflight: 1, TimeProvider.System);
        var first = await limiter.AcquireAsync(CancellationToken.None);

        var second = limiter.AcquireAsync(CancellationToken.None).AsTask();

        second.IsCompleted.Should().BeFalse();
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        limiter.InflightAvailable.Should().Be(1);
    }

    [Fact]
    public void MarkInitialSyncDone_BootstrapRate_SwitchesToQps()
    {
        using var limiter = new EtcdRateLimiter(bootstrapQps: 10_000, qps: 20, maxInflight: 0, new FakeClock());
        limiter.CurrentQps.Should().Be(10_000);

        limiter.MarkInitialSyncDone();

        limiter.CurrentQps.Should().Be(20);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaitingForToken_ReleasesInflightSlot()
    {
        var clock = new FakeClock();
        using var limiter = new EtcdRateLimiter(bootstrapQps: 1, qps: 1, maxInflight: 1, clock);
        (await limiter.AcquireAsync(CancellationToken.None)).Dispose();
        using var cancellation = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await waiting.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(5))).Should().ThrowAsync<OperationCanceledException>();
        limiter.InflightAvailable.Should().Be(1);
    }
}
