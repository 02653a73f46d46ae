using Mesh.Testing.Time;

namespace Mesh.Testing.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class FakeClockTests
{
    [Fact]
    public void Advance_PastDueTime_FiresTimerOnce()
    {
        var clock = new FakeClock();
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(4));
        fired.Should().Be(0);
        clock.Advance(TimeSpan.FromSeconds(10));
        fired.Should().Be(1);
    }

    [Fact]
    public void Advance_PeriodicTimer_FiresEveryPeriodAtTheRightTime()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new FakeClock(start);
        var seen = new List<TimeSpan>();
        using var timer = clock.CreateTimer(_ => seen.Add(clock.GetUtcNow() - start), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(6));

        seen.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
        clock.GetUtcNow().Should().Be(start + TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Advance_TaskDelayOnClock_CompletesOnlyAfterAdvance()
    {
        var clock = new FakeClock();
        var delay = Task.Delay(TimeSpan.FromMinutes(1), clock);

        delay.IsCompleted.Should().BeFalse();
        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        delay.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void Dispose_Timer_NeverFires()
    {
        var clock = new FakeClock();
        var fired = false;
        var timer = clock.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(2));

        fired.Should().BeFalse();
        clock.ActiveTimers.Should().Be(0);
    }

    [Fact]
    public void GetTimestamp_AfterAdvance_ElapsedTimeMatches()
    {
        var clock = new FakeClock();
        var before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        clock.GetElapsedTime(before).Should().Be(TimeSpan.FromMilliseconds(1500));
    }
}
