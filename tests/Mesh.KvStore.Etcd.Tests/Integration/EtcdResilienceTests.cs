using System.Threading.Channels;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdResilienceTests
{
    [EtcdFact]
    public async Task PutAsync_FirstEndpointDead_FailsOverToLiveEndpoint()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        var dead = $"http://127.0.0.1:{FreeTcpPort.Allocate()}";
        await using var client = EtcdClientFactory.Create(Options(etcd) with { Endpoints = [dead, etcd.ClientEndpoint] });

        await client.PutAsync(new EtcdPutRequest("failover/k", Bytes("v")));

        client.CurrentEndpoint.Should().Be(new Uri(etcd.ClientEndpoint + "/"));
        (await etcd.Ctl.GetAsync("failover/k")).Should().Be("v");
    }

    [EtcdFact]
    public async Task RangeAsync_FirstEndpointHangs_FailsOverAfterAttemptDeadline()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await etcd.Ctl.PutAsync("hung/k", "v");
        using var hung = new BlackHoleListener();
        var options = Options(etcd) with { Endpoints = [hung.Endpoint, etcd.ClientEndpoint], RequestTimeout = TimeSpan.FromSeconds(1) };
        await using var client = EtcdClientFactory.Create(options);

        var range = await client.RangeAsync(new EtcdRangeRequest("hung/k")).WaitAsync(Patience);

        Text(range.Kvs.Single().Value).Should().Be("v");
        client.CurrentEndpoint.Should().Be(new Uri(etcd.ClientEndpoint + "/"));
    }

    [EtcdFact]
    public async Task WatchAsync_FirstEndpointDead_FailsOverAndDeliversEvents()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        var dead = $"http://127.0.0.1:{FreeTcpPort.Allocate()}";
        await using var client = EtcdClientFactory.Create(Options(etcd) with { Endpoints = [dead, etcd.ClientEndpoint] });
        await using var watch = new WatchReader(client, EtcdWatchRequest.ForPrefix("failover/"));
        (await watch.NextAsync()).Created.Should().BeTrue();

        await etcd.Ctl.PutAsync("failover/w", "v");

        (await watch.EventsAsync(1)).Single().Kv.Key.Should().Be("failover/w");
    }

    [EtcdFact]
    public async Task WatchAsync_EtcdKilledAndRestarted_ResumesWithoutLossOrDuplicates()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var client = Create(etcd);
        await using var watch = new WatchReader(client, EtcdWatchRequest.ForPrefix("resume/"));
        (await watch.NextAsync()).Created.Should().BeTrue();
        await client.PutAsync(new EtcdPutRequest("resume/a", Bytes("1")));
        (await watch.EventsAsync(1)).Single().Kv.Key.Should().Be("resume/a");

        await etcd.KillAsync();
        await etcd.RestartAsync();
        await etcd.Ctl.PutAsync("resume/b", "2");
        await etcd.Ctl.PutAsync("resume/c", "3");

        var events = await watch.EventsAsync(2);
        events.Select(e => e.Kv.Key).Should().Equal("resume/b", "resume/c");
    }

    [EtcdFact]
    public async Task PutAsync_IssuedWhileEtcdDown_SucceedsAfterRestart()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var client = Create(etcd);
        await client.PutAsync(new EtcdPutRequest("down/warm", Bytes("v")));

        await etcd.KillAsync();
        // The client must have seen the outage first: a put written on the connection etcd dropped under it may have
        // been applied, so it fails instead of being retried (at most once). A read tried until it gives up closes
        // that connection; the put then finds etcd refusing connections, which is safe to retry.
        using (var outage = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            var read = async () => await client.RangeAsync(new EtcdRangeRequest("down/warm"), outage.Token);
            await read.Should().ThrowAsync<Exception>();
        }
        var put = client.PutAsync(new EtcdPutRequest("down/k", Bytes("written-late")));
        await etcd.RestartAsync();
        await put.WaitAsync(Patience);

        (await etcd.Ctl.GetAsync("down/k")).Should().Be("written-late");
        (await client.RangeAsync(new EtcdRangeRequest("down/warm"))).Count.Should().Be(1);
    }

    [EtcdFact]
    public async Task LeaseKeepAliveAsync_EtcdKilledAndRestarted_KeepsRenewingAndKeyStays()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var client = Create(etcd);
        var lease = await client.LeaseGrantAsync(TimeSpan.FromSeconds(5));
        await client.PutAsync(new EtcdPutRequest("keepalive/k", Bytes("v")) { Lease = lease.Id });
        var renewals = Channel.CreateUnbounded<EtcdLeaseKeepAlive>();
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            await foreach (var renewal in client.LeaseKeepAliveAsync(lease.Id, stop.Token))
            {
                await renewals.Writer.WriteAsync(renewal);
            }
        });
        (await renewals.Reader.ReadAsync().AsTask().WaitAsync(Patience)).IsExpired.Should().BeFalse();

        await etcd.KillAsync();
        await etcd.RestartAsync();
        while (renewals.Reader.TryRead(out _))
        {
            // Drop renewals answered before the kill.
        }
        var afterRestart = await renewals.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        afterRestart.IsExpired.Should().BeFalse();
        (await etcd.Ctl.GetAsync("keepalive/k")).Should().Be("v");
        await stop.CancelAsync();
        await pump.Invoking(p => p.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
    }

    [EtcdFact]
    public async Task PutAsync_ManyConcurrentWithSmallInflightLimit_AllSucceed()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var client = EtcdClientFactory.Create(Options(etcd) with { MaxInflight = 4, BootstrapQps = 2_000 });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.PutAsync(new EtcdPutRequest($"many/{i:D3}", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))));

        var range = await client.RangeAsync(EtcdRangeRequest.ForPrefix("many/") with { CountOnly = true });
        range.Count.Should().Be(200);
    }
}
