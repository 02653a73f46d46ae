using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Rib.In;
using Mesh.Bgp.Rib.Local;
using Mesh.Testing;

namespace Mesh.Bgp.Rib.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class RibTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Set_SameAttributesTwice_SecondReportsNoChange()
    {
        var loc = new LocRib();
        var attributes = new PathAttributes { Communities = new[] { Community.Create(1, 2) } };

        loc.Set([Prefix.Parse("10.0.0.0/24")], attributes).Should().HaveCount(1);
        loc.Set([Prefix.Parse("10.0.0.0/24")], attributes with { }).Should().BeEmpty();
        loc.Set([Prefix.Parse("10.0.0.0/24")], PathAttributes.Empty).Should().ContainSingle();
    }

    [Fact]
    public void Remove_MostOfALargeTable_KeepsTheRestAndTakesNewRoutes()
    {
        var loc = new LocRib();
        var prefixes = Enumerable.Range(0, 50_000).Select(i => Prefix.IPv4((uint)((16 << 24) | (i << 8)), 24)).ToArray();
        loc.Set(prefixes, PathAttributes.Empty);

        loc.Remove(prefixes[10..]).Should().HaveCount(49_990);
        loc.Set([Prefix.Parse("10.0.0.0/24")], PathAttributes.Empty).Should().ContainSingle();

        loc.Count.Should().Be(11);
        loc.Routes.Keys.Should().Contain(prefixes[..10]).And.Contain(Prefix.Parse("10.0.0.0/24"));
    }

    [Fact]
    public void Apply_SetsAndWithdrawalsInOrder_LeavesTheLastWordPerPrefix()
    {
        var loc = new LocRib();
        var a = new PathAttributes { Communities = new[] { Community.Create(1, 1) } };
        var b = new PathAttributes { Communities = new[] { Community.Create(1, 2) } };
        loc.Set([Prefix.Parse("10.0.0.0/24"), Prefix.Parse("10.0.1.0/24")], a);

        loc.Apply([
            new RibChange(Prefix.Parse("10.0.0.0/24"), null),
            new RibChange(Prefix.Parse("10.0.2.0/24"), a),
            new RibChange(Prefix.Parse("10.0.2.0/24"), b),
            new RibChange(Prefix.Parse("10.9.0.0/24"), null),
        ]);

        loc.Routes.Should().BeEquivalentTo(new Dictionary<Prefix, PathAttributes>
        {
            [Prefix.Parse("10.0.1.0/24")] = a,
            [Prefix.Parse("10.0.2.0/24")] = b,
        });
    }

    [Fact]
    public void Remove_UnknownAndKnownPrefix_ReportsOnlyKnownAsWithdrawal()
    {
        var loc = new LocRib();
        loc.Set([Prefix.Parse("10.0.0.0/24")], PathAttributes.Empty);

        var changes = loc.Remove([Prefix.Parse("10.0.0.0/24"), Prefix.Parse("10.0.1.0/24")]);

        changes.Should().Equal(new RibChange(Prefix.Parse("10.0.0.0/24"), null));
        loc.Count.Should().Be(0);
    }

    [Fact]
    public void Apply_AnnounceThenWithdraw_TracksRoutesAndCounts()
    {
        var rib = new AdjRibIn();
        var attributes = new PathAttributes { Origin = Origin.Igp, AsPath = AsPath.Sequence(65000), NextHop = IPAddress.Parse("10.0.1.1") };
        var announce = new UpdateMessage(default, attributes, new[] { Prefix.Parse("10.9.0.0/24"), Prefix.Parse("10.9.1.0/24") });

        rib.Apply(announce, Now).Should().Be((2, 0));
        rib.Routes[Prefix.Parse("10.9.0.0/24")].NextHop.Should().Be(IPAddress.Parse("10.0.1.1"));
        rib.Routes[Prefix.Parse("10.9.0.0/24")].ReceivedAt.Should().Be(Now);

        var withdraw = new UpdateMessage(new[] { Prefix.Parse("10.9.0.0/24"), Prefix.Parse("10.8.0.0/24") }, PathAttributes.Empty, default);
        rib.Apply(withdraw, Now).Should().Be((0, 1));
        rib.Routes.Keys.Should().Equal(Prefix.Parse("10.9.1.0/24"));
    }

    [Fact]
    public void Apply_MpReach_StoresNextHopWithoutNlriList()
    {
        var rib = new AdjRibIn();
        var prefix = Prefix.Parse("fd00:244:1::/64");
        var attributes = new PathAttributes
        {
            Origin = Origin.Igp,
            AsPath = AsPath.Sequence(65000),
            MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:1::1"), null, new[] { prefix }),
        };

        rib.Apply(new UpdateMessage(default, attributes, default), Now);

        var route = rib.Routes[prefix];
        route.NextHop.Should().Be(IPAddress.Parse("fd00:0:1::1"));
        route.Attributes.MpReach!.Nlri.Should().BeEmpty();
    }

    [Fact]
    public void Apply_MpUnreach_WithdrawsIpv6Route()
    {
        var rib = new AdjRibIn();
        var prefix = Prefix.Parse("fd00:244:1::/64");
        var reach = new PathAttributes { MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00::1"), null, new[] { prefix }) };
        rib.Apply(new UpdateMessage(default, reach, default), Now);

        var unreach = new PathAttributes { MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, new[] { prefix }) };
        rib.Apply(new UpdateMessage(default, unreach, default), Now).Should().Be((0, 1));
        rib.Count.Should().Be(0);
    }

    [Fact]
    public void Apply_OwnAsInPath_DropsRouteAsLoopAndWithdrawsEarlierCopy()
    {
        var rib = new AdjRibIn(localAsn: 65001);
        var prefix = Prefix.Parse("10.9.0.0/24");
        var clean = new PathAttributes { Origin = Origin.Igp, AsPath = AsPath.Sequence(65000), NextHop = IPAddress.Parse("10.0.1.1") };
        rib.Apply(new UpdateMessage(default, clean, new[] { prefix }), Now);

        var looped = clean with { AsPath = AsPath.Sequence(65000, 65001) };
        rib.Apply(new UpdateMessage(default, looped, new[] { prefix, Prefix.Parse("10.9.1.0/24") }), Now).Should().Be((0, 1));

        rib.Count.Should().Be(0);
        rib.LoopedRoutes.Should().Be(2);
    }
}
