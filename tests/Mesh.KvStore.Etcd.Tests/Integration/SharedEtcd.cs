using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;

namespace Mesh.KvStore.Etcd.Tests.Integration;

/// <summary>One plain-text etcd shared by the tests of a class (each test uses its own key prefix).</summary>
public sealed class SharedEtcd : IAsyncLifetime
{
    private EtcdFixture? _etcd;

    public EtcdFixture Etcd => _etcd ?? throw new InvalidOperationException(Prerequisite.MissingEtcd ?? "etcd did not start");

    public async Task InitializeAsync()
    {
        if (Prerequisite.MissingEtcd is null)
        {
            _etcd = await EtcdFixture.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }
}
