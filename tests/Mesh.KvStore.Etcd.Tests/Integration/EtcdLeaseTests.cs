using Mesh.Grpc;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdLeaseTests : IClassFixture<SharedEtcd>, IAsyncLifetime
{
    private readonly EtcdFixture _etcd;
    private IEtcdClient _client = null!;

    public EtcdLeaseTests(SharedEtcd shared) => _etcd = shared.Etcd;

    public Task InitializeAsync()
    {
        _client = Create(_etcd);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [EtcdFact]
    public async Task LeaseGrantAsync_NoKeepAlive_ExpiryDeletesBoundKey()
    {
        var key = UniquePrefix("expire") + "k";
        var lease = await _client.LeaseGrantAsync(TimeSpan.FromSeconds(2));
        await using var watch = new WatchReader(_client, new EtcdWatchRequest(key));
        (await watch.NextAsync()).Created.Should().BeTrue();

        await _client.PutAsync(new EtcdPutRequest(key, Bytes("v")) { Lease = lease.Id });
        var events = await watch.EventsAsync(2);

        events.Select(e => e.Type).Should().Equal(EtcdEventType.Put, EtcdEventType.Delete);
        events[0].Kv.Lease.Should().Be(lease.Id);
        (await _etcd.Ctl.GetAsync(key)).Should().BeNull();
        (await _client.LeaseTimeToLiveAsync(lease.Id)).IsExpired.Should().BeTrue();
    }

    [EtcdFact]
    public async Task LeaseKeepAliveAsync_RenewedBeyondTtl_KeyStaysThenRevokeDeletesIt()
    {
        var key = UniquePrefix("keep") + "k";
        var lease = await _client.LeaseGrantAsync(TimeSpan.FromSeconds(2));
        var granted = await _client.PutAsync(new EtcdPutRequest(key, Bytes("v")) { Lease = lease.Id });
        var started = DateTime.UtcNow;

        var renewals = 0;
        await foreach (var renewal in _client.LeaseKeepAliveAsync(lease.Id).WithCancellation(CancellationToken.None))
        {
            renewal.IsExpired.Should().BeFalse();
            renewal.Id.Should().Be(lease.Id);
            renewals++;
            if (DateTime.UtcNow - started > TimeSpan.FromSeconds(5))
            {
                break;
            }
        }

        renewals.Should().BeGreaterThan(3);
        (await _etcd.Ctl.GetAsync(key)).Should().Be("v");
        var ttl = await _client.LeaseTimeToLiveAsync(lease.Id, keys: true);
        ttl.Keys.Should().Equal(key);
        ttl.GrantedTtl.Should().Be(lease.Ttl);
        granted.Header.Revision.Should().BePositive();

        await _client.LeaseRevokeAsync(lease.Id);

        (await _etcd.Ctl.GetAsync(key)).Should().BeNull();
    }

    [EtcdFact]
    public async Task LeaseKeepAliveOnceAsync_LiveAndRevokedLease_ReportsTtlThenExpired()
    {
        var lease = await _client.LeaseGrantAsync(TimeSpan.FromSeconds(30));

        var alive = await _client.LeaseKeepAliveOnceAsync(lease.Id);
        await _client.LeaseRevokeAsync(lease.Id);
        var gone = await _client.LeaseKeepAliveOnceAsync(lease.Id);

        alive.Ttl.Should().Be(TimeSpan.FromSeconds(30));
        alive.IsExpired.Should().BeFalse();
        gone.IsExpired.Should().BeTrue();
    }

    [EtcdFact]
    public async Task LeaseKeepAliveAsync_RevokedWhileRunning_EndsWithExpired()
    {
        var lease = await _client.LeaseGrantAsync(TimeSpan.FromSeconds(2));
        EtcdLeaseKeepAlive? last = null;

        await foreach (var renewal in _client.LeaseKeepAliveAsync(lease.Id).WithCancellation(CancellationToken.None))
        {
            if (last is null)
            {
                await _client.LeaseRevokeAsync(lease.Id);
            }
            last = renewal;
        }

        last!.IsExpired.Should().BeTrue();
    }

    [EtcdFact]
    public async Task PutAsync_UnknownLease_FailsLeaseNotFound()
    {
        var act = () => _client.PutAsync(new EtcdPutRequest(UniquePrefix("nolease") + "k", Bytes("v")) { Lease = 0x7eadbeef });

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        EtcdErrors.IsLeaseNotFound(error).Should().BeTrue(error.Message);
    }

    [EtcdFact]
    public async Task LeaseRevokeAsync_UnknownLease_FailsLeaseNotFound()
    {
        var act = () => _client.LeaseRevokeAsync(0x7eadbeee);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        EtcdErrors.IsLeaseNotFound(error).Should().BeTrue(error.Message);
    }
}
