using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Rib.In;
using Mesh.Testing;

namespace Mesh.Bgp.Rib.Tests;

/// <summary>Stale routes of graceful restart (RFC 4724 §4.2) and enhanced route refresh (RFC 7313 §4).</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class StaleRouteTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PathAttributes V4 = new() { Origin = Origin.Igp, AsPath = AsPath.Sequence(65000), NextHop = IPAddress.Parse("10.0.1.1") };

    private static AdjRibIn WithRoutes()
    {
        var rib = new AdjRibIn();
        rib.Apply(new UpdateMessage(default, V4, new[] { Prefix.Parse("10.9.0.0/24"), Prefix.Parse("10.9.1.0/24"), Prefix.Parse("10.9.2.0/24") }), Now);
        var v6 = PathAttributes.Empty with
        {
            Origin = Origin.Igp,
            AsPath = AsPath.Sequence(65000),
            MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00::1"), null, new[] { Prefix.Parse("fd00:9::/64") }),
        };
        rib.Apply(new UpdateMessage(default, v6, default), Now);
        return rib;
    }

    [Fact]
    public void MarkStale_ThenReannouncedSubset_RemoveStaleDropsOnlyTheRest()
    {
        var rib = WithRoutes();

        rib.MarkStale().Should().Be(4);
        rib.Apply(new UpdateMessage(default, V4, new[] { Prefix.Parse("10.9.1.0/24") }), Now);

        rib.StaleCount.Should().Be(3);
        rib.Routes[Prefix.Parse("10.9.1.0/24")].Stale.Should().BeFalse();
        rib.RemoveStale(Afi.IPv4).Should().Be(2);
        rib.Routes.Keys.Should().BeEquivalentTo([Prefix.Parse("10.9.1.0/24"), Prefix.Parse("fd00:9::/64")]);
        rib.CountOf(Afi.IPv4).Should().Be(1);
        rib.CountOf(Afi.IPv6).Should().Be(1);
    }

    [Fact]
    public void MarkStale_OneFamily_OtherFamilyUntouched()
    {
        var rib = WithRoutes();

        rib.MarkStale(Afi.IPv6).Should().Be(1);

        rib.StaleCount.Should().Be(1);
        rib.RemoveStale().Should().Be(1);
        rib.CountOf(Afi.IPv6).Should().Be(0);
        rib.CountOf(Afi.IPv4).Should().Be(3);
    }

    [Fact]
    public void RemoveFamily_DropsEveryRouteOfIt()
    {
        var rib = WithRoutes();

        rib.RemoveFamily(Afi.IPv4).Should().Be(3);

        rib.Count.Should().Be(1);
        rib.CountOf(Afi.IPv4).Should().Be(0);
    }

    [Fact]
    public void Withdraw_StaleRoute_GoneAndNotCountedTwice()
    {
        var rib = WithRoutes();
        rib.MarkStale();

        rib.Apply(new UpdateMessage(new[] { Prefix.Parse("10.9.0.0/24") }, PathAttributes.Empty, default), Now);

        rib.StaleCount.Should().Be(3);
        rib.RemoveStale().Should().Be(3);
        rib.Count.Should().Be(0);
        rib.CountOf(Afi.IPv4).Should().Be(0);
    }
}
