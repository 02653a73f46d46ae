using Mesh.KvStore.Backend;
using Mesh.KvStore.Embedded;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.KvStore.Tests.Conformance;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EmbeddedBackendConformanceTests : KvBackendConformance
{
    private readonly FakeClock _clock = new();

    protected override Task<IKvBackend> CreateBackendAsync() => Task.FromResult<IKvBackend>(new EmbeddedBackend(_clock));

    protected override Task PassTimeAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }
}
