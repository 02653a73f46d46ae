using Mesh.StateDb.Reconciliation;
using Mesh.Testing;

namespace Mesh.StateDb.Tests.Reconciliation;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(10, 51_200)]
    [InlineData(11, 60_000)]
    [InlineData(1000, 60_000)]
    public void Delay_Attempt_DoublesFrom100MillisecondsUpToOneMinute(int attempt, int expectedMilliseconds)
    {
        Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))
            .Should().Be(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }
}
