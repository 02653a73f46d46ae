using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.Bgp.Speaker.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class MultihopTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly IPAddress PeerAddress = IPAddress.Parse("127.0.0.7");

    [Theory]
    [InlineData(65002u, 1, 1)]
    [InlineData(65002u, 5, 5)]
    [InlineData(65001u, 5, -1)] // internal: the system default TTL, whatever ebgpMultihop says
    public async Task Connect_ExternalPeer_UsesEbgpMultihopAsTtl(uint remoteAsn, int multihop, int expectedTtl)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(PeerAddress, 0));
        listener.Listen(4);
        var created = new ConcurrentQueue<Socket>();
        await using var speaker = new BgpSpeaker(
            new SpeakerOptions
            {
                ListenEndPoints = [],
                SocketFactory = family =>
                {
                    var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                    created.Enqueue(socket);
                    return socket;
                },
            },
            new FakeClock());
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(
            new PeerConfig(PeerAddress, remoteAsn, 65001, IPAddress.Parse("10.0.0.1")) { Port = ((IPEndPoint)listener.LocalEndPoint!).Port, EbgpMultihop = multihop },
            CancellationToken.None);

        using var accepted = RawPeer.Accepted(await listener.AcceptAsync().WaitAsync(Timeout));
        (await accepted.ReceiveAsync(Timeout)).Should().BeOfType<OpenMessage>();

        var systemDefault = short.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_default_ttl").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        created.Should().ContainSingle().Which.Ttl.Should().Be(expectedTtl < 0 ? systemDefault : (short)expectedTtl);
    }
}
