using System.Net;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.NodeAgent.Host.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PropagationTrackerTests
{
    [Fact]
    public void Programmed_AfterReceived_ObservesElapsedTime()
    {
        var clock = new FakeClock();
        var tracker = new PropagationTracker(clock);
        var prefix = IPNetwork.Parse("10.1.0.1/32");

        tracker.Received(prefix);
        clock.Advance(TimeSpan.FromMilliseconds(12));
        tracker.Programmed(prefix);

        tracker.Latency.Count.Should().Be(1);
        tracker.Latency.Quantile(0.5)!.Value.TotalMilliseconds.Should().BeInRange(12, 12 * 1.1);
        tracker.Pending.Should().Be(0);
    }

    [Fact]
    public void Received_Twice_KeepsTheOlderStart()
    {
        var clock = new FakeClock();
        var tracker = new PropagationTracker(clock);
        tracker.Received("svc");
        clock.Advance(TimeSpan.FromMilliseconds(50));
        tracker.Received("svc");
        clock.Advance(TimeSpan.FromMilliseconds(50));
        tracker.Programmed("svc");

        tracker.Latency.Quantile(1)!.Value.TotalMilliseconds.Should().BeInRange(100, 110);
    }

    [Fact]
    public void Programmed_WithoutReceived_ObservesNothing()
    {
        var tracker = new PropagationTracker(new FakeClock());
        tracker.Programmed("bootstrap-entry");
        tracker.Latency.Count.Should().Be(0);
        tracker.Latency.Quantile(0.5).Should().BeNull();
    }

    [Fact]
    public void Received_NeverProgrammed_IsDroppedAfterStaleAfter()
    {
        var clock = new FakeClock();
        var tracker = new PropagationTracker(clock);
        tracker.Received("unchanged");
        clock.Advance(PropagationTracker.StaleAfter + TimeSpan.FromSeconds(1));
        tracker.Received("next");

        tracker.Dropped.Should().Be(1);
        tracker.Pending.Should().Be(1);
        tracker.Programmed("unchanged");
        tracker.Latency.Count.Should().Be(0, "a stale mark must not produce a sample");
    }

    [Fact]
    public void Snapshot_CumulativeBuckets_MatchPrometheusBounds()
    {
        var histogram = new LatencyHistogram();
        histogram.Observe(TimeSpan.FromMilliseconds(0.3));
        histogram.Observe(TimeSpan.FromMilliseconds(3));
        histogram.Observe(TimeSpan.FromMilliseconds(3));
        histogram.Observe(TimeSpan.FromSeconds(120));

        var snapshot = histogram.Snapshot();
        snapshot.Count.Should().Be(4);
        snapshot.Cumulative.Should().HaveCount(LatencyHistogram.PrometheusBounds.Length + 1);
        snapshot.Cumulative[0].Should().Be(1, "0.3 ms <= 0.5 ms");
        snapshot.Cumulative[Array.IndexOf(LatencyHistogram.PrometheusBounds, 0.005)].Should().Be(3);
        snapshot.Cumulative[^2].Should().Be(3, "120 s is above the last bound");
        snapshot.Cumulative[^1].Should().Be(4);
        snapshot.SumSeconds.Should().BeApproximately(120.0063, 1e-6);
    }

    [Fact]
    public void Quantile_ManySamples_WithinBucketResolution()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            histogram.Observe(TimeSpan.FromMilliseconds(i));
        }
        histogram.Quantile(0.5)!.Value.TotalMilliseconds.Should().BeInRange(500, 500 * 1.1);
        histogram.Quantile(0.99)!.Value.TotalMilliseconds.Should().BeInRange(990, 990 * 1.1);
    }
}

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ThreadCpuClockTests
{
    [Fact]
    public void Now_AfterBusyWork_AdvancesAndNeverExceedsWallTime()
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var before = ThreadCpuClock.Now;
        var sum = 0L;
        while (wall.ElapsedMilliseconds < 50)
        {
            sum += Environment.TickCount64 & 1;
        }
        var used = ThreadCpuClock.Now - before;

        sum.Should().BeGreaterThanOrEqualTo(0);
        used.Should().BePositive();
        used.Should().BeLessThanOrEqualTo(wall.Elapsed + TimeSpan.FromMilliseconds(5), "one thread cannot use more CPU than wall time");
    }
}
