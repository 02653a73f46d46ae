using Mesh.KvStore.Backend;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;

namespace Mesh.KvStore.Tests.Conformance;

/// <summary>The conformance suite against a real etcd (one per test, so compaction and revisions start fresh).</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdBackendConformanceTests : KvBackendConformance
{
    private EtcdFixture? _etcd;

    protected override async Task<IKvBackend> CreateBackendAsync()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingEtcd);
        _etcd = await EtcdFixture.StartAsync();
        var client = EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = _etcd.ClientEndpoints, Qps = 0, BootstrapQps = 0 });
        return new EtcdKvBackend(client);
    }

    protected override async Task DisposeBackendAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    // Real leases expire on etcd's own clock.
    protected override Task PassTimeAsync(TimeSpan duration) => Task.Delay(duration);
}
