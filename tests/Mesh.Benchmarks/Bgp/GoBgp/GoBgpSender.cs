using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Mesh.Grpc;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Benchmarks.Bgp.GoBgp;

/// <summary>
/// GoBGP 3.10 as a sender of <see cref="BgpInjectBench"/>: gobgpd in the sender namespace, driven the way spec/bgp.md
/// measured it, through its gRPC API: one AddPathStream of requests built before t0 (1,000 paths each), and one
/// DeletePath of the whole IPv4 unicast family. The API is reached from this process over a socket created inside
/// the namespace (its loopback), through Mesh's own gRPC client.
/// </summary>
internal sealed class GoBgpSender : IDisposable
{
    private const int PathsPerRequest = 1_000;
    private static readonly GrpcMethod<AddPathStreamRequest, Empty> AddPathStream = new("/apipb.GobgpApi/AddPathStream", Empty.Parser);
    private static readonly GrpcMethod<DeletePathRequest, Empty> DeletePath = new("/apipb.GobgpApi/DeletePath", Empty.Parser);
    private static readonly Family IPv4Unicast = new() { Afi = Family.Types.Afi.Ip, Safi = Family.Types.Safi.Unicast };

    private readonly BackgroundProcess _daemon;
    private readonly GrpcChannel _channel;
    private readonly string _address;
    private List<AddPathStreamRequest> _prepared = [];

    private GoBgpSender(BackgroundProcess daemon, GrpcChannel channel, string address)
    {
        _daemon = daemon;
        _channel = channel;
        _address = address;
    }

    public int ProcessId => _daemon.Id;

    public string Output => _daemon.Output;

    /// <summary>Starts gobgpd in <paramref name="ns"/> as AS 65001 at <paramref name="address"/>, peering passively with FRR at 10.0.1.1.</summary>
    public static async Task<GoBgpSender> StartAsync(NetworkNamespace ns, string directory, string address)
    {
        Directory.CreateDirectory(directory);
        var config = System.IO.Path.Combine(directory, "gobgpd.toml");
        // GoBGP dials after a random 5-10 s: FRR dials instead (passive mode here, "timers connect 2" there).
        await File.WriteAllTextAsync(config, $$"""
            [global.config]
              as = 65001
              router-id = "{{address}}"
              local-address-list = ["{{address}}"]

            [[neighbors]]
              [neighbors.config]
                neighbor-address = "10.0.1.1"
                peer-as = 65000
              [neighbors.transport.config]
                passive-mode = true
              [neighbors.timers.config]
                hold-time = 30
                keepalive-interval = 10
              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "ipv4-unicast"
            """);
        var daemon = ns.StartProcess("gobgpd", "-f", config, "-t", "toml", "-l", "warn", "--api-hosts", "127.0.0.1:50051", "--pprof-disable");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = NamespaceSockets.Create(ns.Name, AddressFamily.InterNetwork);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 50051), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new GoBgpSender(daemon, new GrpcChannel(new GrpcChannelOptions { Address = new Uri("http://127.0.0.1:50051") }, handler), address);
    }

    /// <summary>The same routes as the other senders: N consecutive /24s from 16.0.0.0, community 65001:100 or 65001:(i mod 65535)+1.</summary>
    public void Prepare(int count, bool unique)
    {
        var origin = Any.Pack(new OriginAttribute { Origin = 0 });
        var nextHop = Any.Pack(new NextHopAttribute { NextHop = _address });
        var shared = Any.Pack(new CommunitiesAttribute { Communities = { Community(100) } });
        _prepared = [];
        for (var start = 0; start < count; start += PathsPerRequest)
        {
            var request = new AddPathStreamRequest { TableType = TableType.Global };
            for (var i = start; i < Math.Min(start + PathsPerRequest, count); i++)
            {
                var prefix = new IPAddressPrefix { PrefixLen = 24, Prefix = $"{16 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0" };
                var communities = unique ? Any.Pack(new CommunitiesAttribute { Communities = { Community((i % 65535) + 1) } }) : shared;
                request.Paths.Add(new Path { Nlri = Any.Pack(prefix), Pattrs = { origin, nextHop, communities }, Family = IPv4Unicast });
            }
            _prepared.Add(request);
        }
    }

    public async Task AddAsync()
    {
        await using var call = _channel.DuplexStreaming(AddPathStream);
        foreach (var request in _prepared)
        {
            await call.WriteAsync(request);
        }
        await call.CompleteRequestAsync();
        while (await call.ReadAsync() is not null)
        {
            // Empty.
        }
    }

    public Task WithdrawAllAsync() =>
        _channel.UnaryAsync(DeletePath, new DeletePathRequest { TableType = TableType.Global, Family = IPv4Unicast });

    public Task StopAsync() => _daemon.StopAsync(TimeSpan.FromSeconds(5));

    public void Dispose() => _channel.Dispose();

    private static uint Community(int value) => (65001u << 16) | (uint)value;
}
