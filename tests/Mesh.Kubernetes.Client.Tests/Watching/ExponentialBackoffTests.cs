using Mesh.Kubernetes.Client.Watching;
using Mesh.Testing;

namespace Mesh.Kubernetes.Client.Tests.Watching;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ExponentialBackoffTests
{
    [Fact]
    public void Next_ConsecutiveFailures_DoublesUpToTheCapAndResets()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(350));

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.Next()).ToList();
        backoff.Reset();
        var afterReset = backoff.Next();

        delays[0].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(120));
        delays[1].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(240));
        delays[2].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(420));
        delays[3].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(420));
        afterReset.Should().BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(120));
    }
}
