using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Speaker;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Benchmarks.Bgp;

/// <summary>
/// The Mesh sender of <see cref="BgpInjectBench"/>, run as its own process inside the sender namespace (so its CPU
/// time is its own): a speaker peering with FRR at 10.0.1.1, driven over stdin like GoBGP over gRPC:
/// <c>prepare N shared|unique</c> (routes built before t0), <c>add</c>, <c>del</c>; each answered with a line.
/// </summary>
internal static class BgpSenderChild
{
    public const string Variable = "MESH_BGP_BENCH_SENDER";

    public static async Task<int> RunAsync()
    {
        await using var speaker = new BgpSpeaker(new SpeakerOptions { ListenEndPoints = [] });
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(new PeerConfig(IPAddress.Parse("10.0.1.1"), 65000, 65001, IPAddress.Parse("10.0.1.2"))
        {
            LocalAddress = IPAddress.Parse("10.0.1.2"),
            HoldTime = 30,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            Families = [AfiSafi.IPv4Unicast],
        }, CancellationToken.None);
        KeyValuePair<Prefix, PathAttributes>[] routes = [];
        Prefix[] prefixes = [];
        Console.Out.WriteLine("started");
        await Console.Out.FlushAsync();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "prepare":
                    (prefixes, routes) = Build(int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture), unique: words[2] == "unique");
                    // Building the routes is the bench's work, not the speaker's: its garbage is collected before t0
                    // instead of in a pause while the routes go out.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                    break;
                case "add":
                    await speaker.AdvertiseAsync(routes, CancellationToken.None);
                    break;
                case "del":
                    await speaker.WithdrawAsync(prefixes, CancellationToken.None);
                    break;
                case "quit":
                    return 0;
            }

            Console.Out.WriteLine("ok");
            await Console.Out.FlushAsync();
        }

        return 0;
    }

    /// <summary>N consecutive /24s from 16.0.0.0; shared: one record with 65001:100; unique: community 65001:(i mod 65535)+1.</summary>
    public static (Prefix[] Prefixes, KeyValuePair<Prefix, PathAttributes>[] Routes) Build(int count, bool unique)
    {
        var prefixes = new Prefix[count];
        var routes = new KeyValuePair<Prefix, PathAttributes>[count];
        var shared = new PathAttributes { Origin = Origin.Igp, AsPath = AsPath.Empty, Communities = new[] { Community.Create(65001, 100) } };
        var distinct = new Dictionary<int, PathAttributes>();
        for (var i = 0; i < count; i++)
        {
            prefixes[i] = Prefix.IPv4((uint)((16 << 24) + (i << 8)), 24);
            var attributes = shared;
            if (unique)
            {
                var value = (i % 65535) + 1;
                if (!distinct.TryGetValue(value, out attributes))
                {
                    attributes = shared with { Communities = new[] { Community.Create(65001, (ushort)value) } };
                    distinct.Add(value, attributes);
                }
            }

            routes[i] = new(prefixes[i], attributes);
        }

        return (prefixes, routes);
    }
}
