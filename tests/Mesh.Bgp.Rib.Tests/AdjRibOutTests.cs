using System.Buffers;
using System.Net;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Rib.Local;
using Mesh.Bgp.Rib.Out;
using Mesh.Testing;

namespace Mesh.Bgp.Rib.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class AdjRibOutTests
{
    private static readonly IPAddress LocalV4 = IPAddress.Parse("10.0.1.2");
    private static readonly IPAddress LocalV6 = IPAddress.Parse("fd00:0:1::2");
    private static readonly IPAddress LinkLocal = IPAddress.Parse("fe80::1");
    private static readonly ExportPolicy Ebgp = new(65001, External: true, LocalV4, LocalV6, LinkLocal);
    private static readonly BgpCodecContext Context = BgpCodecContext.Default;
    private static readonly AfiSafi[] Both = [AfiSafi.IPv4Unicast, AfiSafi.IPv6Unicast];

    private static readonly PathAttributes Shared = new()
    {
        LocalPref = 200,
        Communities = new[] { Community.Create(65001, 100) },
        LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
    };

    private static Prefix[] Slash24s(int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Prefix.IPv4((uint)((10 << 24) | (i << 8)), 24)).ToArray();

    [Fact]
    public void WriteInitial_ThousandSharedPrefixes_PacksIntoOneUpdatePlusEndOfRib()
    {
        var loc = new LocRib();
        loc.Set(Slash24s(1000), Shared);
        var rib = new AdjRibOut(Ebgp, Context, [AfiSafi.IPv4Unicast]);
        var writer = new ArrayBufferWriter<byte>();

        var messages = rib.WriteInitial(loc.Routes, writer);

        var updates = UpdateReader.Read(writer, Context);
        updates.Should().HaveCount(messages);
        messages.Should().Be(2);
        updates[0].Nlri.Should().HaveCount(1000);
        updates[1].IsEndOfRib(out var family).Should().BeTrue();
        family.Should().Be(AfiSafi.IPv4Unicast);
        rib.Count.Should().Be(1000);
    }

    [Fact]
    public void WriteInitial_TenThousandPrefixes_FillsEachMessageToTheLimit()
    {
        var loc = new LocRib();
        loc.Set(Slash24s(10_000), Shared);
        var rib = new AdjRibOut(Ebgp, Context, [AfiSafi.IPv4Unicast]);
        var writer = new ArrayBufferWriter<byte>();

        var messages = rib.WriteInitial(loc.Routes, writer);

        var updates = UpdateReader.Read(writer, Context);
        updates.Sum(u => u.Nlri.Count).Should().Be(10_000);
        // ~1,000 /24s fit one 4 KB UPDATE with these attributes: 11 UPDATEs at most, plus End-of-RIB.
        messages.Should().BeLessThanOrEqualTo(12);
        updates.Take(messages - 2).Should().OnlyContain(u => u.Nlri.Count > 900);
    }

    [Fact]
    public void WriteChanges_EbgpExport_PrependsAsSetsNextHopDropsLocalPrefKeepsCommunities()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var writer = new ArrayBufferWriter<byte>();
        var source = Shared with { AsPath = AsPath.Sequence(65010) };

        rib.WriteChanges([new RibChange(Prefix.Parse("10.1.0.0/24"), source)], writer);

        var update = UpdateReader.Read(writer, Context).Single();
        update.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(65001, 65010).ToString());
        update.Attributes.NextHop.Should().Be(LocalV4);
        update.Attributes.LocalPref.Should().BeNull();
        update.Attributes.Origin.Should().Be(Origin.Igp);
        update.Attributes.Communities.Should().Equal(Community.Create(65001, 100));
        update.Attributes.LargeCommunities.Should().Equal(new LargeCommunity(65001, 1, 1));
    }

    [Fact]
    public void WriteChanges_Ipv6Prefix_UsesMpReachWithGlobalAndLinkLocalNextHop()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var writer = new ArrayBufferWriter<byte>();

        rib.WriteChanges([new RibChange(Prefix.Parse("fd00:244:1::/64"), Shared)], writer);

        var update = UpdateReader.Read(writer, Context).Single();
        update.Attributes.NextHop.Should().BeNull();
        update.Attributes.MpReach!.NextHop.Should().Be(LocalV6);
        update.Attributes.MpReach.LinkLocalNextHop.Should().Be(LinkLocal);
        update.Announced.Should().Equal(Prefix.Parse("fd00:244:1::/64"));
    }

    [Fact]
    public void WriteChanges_IbgpExport_KeepsPathAndSetsDefaultLocalPref()
    {
        var ibgp = new AdjRibOut(Ebgp with { External = false }, Context with { Ibgp = true }, [AfiSafi.IPv4Unicast]);
        var writer = new ArrayBufferWriter<byte>();

        ibgp.WriteChanges([new RibChange(Prefix.Parse("10.1.0.0/24"), PathAttributes.Empty), new RibChange(Prefix.Parse("10.2.0.0/24"), Shared)], writer);

        var updates = UpdateReader.Read(writer, Context with { Ibgp = true });
        updates.Should().HaveCount(2);
        updates.Should().OnlyContain(u => u.Attributes.AsPath!.Segments.Count == 0);
        updates.Select(u => u.Attributes.LocalPref).Should().BeEquivalentTo(new uint?[] { 100, 200 });
    }

    [Fact]
    public void WriteChanges_TwoAttributeSets_OneUpdateEach()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var writer = new ArrayBufferWriter<byte>();
        var other = Shared with { Communities = new[] { Community.Create(65001, 200) } };
        var changes = Slash24s(100).Select((p, i) => new RibChange(p, i % 2 == 0 ? Shared : other)).ToList();

        var messages = rib.WriteChanges(changes, writer);

        messages.Should().Be(2);
        UpdateReader.Read(writer, Context).Select(u => u.Nlri.Count).Should().Equal(50, 50);
    }

    [Fact]
    public void WriteChanges_EqualRecordsThatAreDistinctObjects_ShareOneUpdate()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var writer = new ArrayBufferWriter<byte>();
        var copy = Shared with { };
        var changes = Slash24s(100).Select((p, i) => new RibChange(p, i < 50 ? Shared : copy)).ToList();

        rib.WriteChanges(changes, writer).Should().Be(1);
        UpdateReader.Read(writer, Context).Single().Nlri.Should().HaveCount(100);
    }

    [Fact]
    public void WriteChanges_AfterFiftyThousandRoutesCameAndWent_AdvertisesAndWithdrawsAsBefore()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var many = Slash24s(50_000);
        rib.WriteChanges(many.Select(p => new RibChange(p, Shared)).ToList(), new ArrayBufferWriter<byte>());
        rib.WriteChanges(many.Select(p => new RibChange(p, null)).ToList(), new ArrayBufferWriter<byte>());
        var writer = new ArrayBufferWriter<byte>();

        rib.WriteChanges(many[..10].Select(p => new RibChange(p, Shared)).ToList(), writer).Should().Be(1);
        rib.WriteChanges(many[..5].Select(p => new RibChange(p, null)).ToList(), writer).Should().Be(1);

        var updates = UpdateReader.Read(writer, Context);
        updates[0].Nlri.Should().HaveCount(10);
        updates[1].Withdrawn.Should().Equal(many[..5]);
        rib.Count.Should().Be(5);
        rib.Advertised.Keys.Should().BeEquivalentTo(many[5..10]);
    }

    [Fact]
    public void WriteChanges_UnchangedRoute_SendsNothing()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var prefixes = Slash24s(10);
        rib.WriteChanges(prefixes.Select(p => new RibChange(p, Shared)).ToList(), new ArrayBufferWriter<byte>());

        var writer = new ArrayBufferWriter<byte>();
        var messages = rib.WriteChanges(prefixes.Select(p => new RibChange(p, Shared with { })).ToList(), writer);

        messages.Should().Be(0);
        writer.WrittenCount.Should().Be(0);
    }

    [Fact]
    public void WriteChanges_WithdrawThousandUniqueRoutes_PacksIntoOneUpdate()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var prefixes = Slash24s(1000);
        rib.WriteChanges(prefixes.Select((p, i) => new RibChange(p, Shared with { MultiExitDisc = (uint)i })).ToList(), new ArrayBufferWriter<byte>());
        var writer = new ArrayBufferWriter<byte>();

        var messages = rib.WriteChanges(prefixes.Select(p => new RibChange(p, null)).ToList(), writer);

        messages.Should().Be(1);
        UpdateReader.Read(writer, Context).Single().Withdrawn.Should().HaveCount(1000);
        rib.Count.Should().Be(0);
    }

    [Fact]
    public void WriteChanges_WithdrawNeverAdvertised_SendsNothing()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        var writer = new ArrayBufferWriter<byte>();

        rib.WriteChanges([new RibChange(Prefix.Parse("10.9.0.0/24"), null)], writer).Should().Be(0);
    }

    [Fact]
    public void WriteInitial_FamilyWithoutNextHop_IsNotExported()
    {
        var v4Only = new AdjRibOut(Ebgp with { IPv6NextHop = null }, Context, Both);
        var loc = new LocRib();
        loc.Set([Prefix.Parse("fd00:1::/64")], Shared);
        loc.Set([Prefix.Parse("10.1.0.0/24")], Shared);
        var writer = new ArrayBufferWriter<byte>();

        v4Only.WriteInitial(loc.Routes, writer);

        v4Only.Families.Should().Equal(AfiSafi.IPv4Unicast);
        v4Only.Advertised.Keys.Should().Equal(Prefix.Parse("10.1.0.0/24"));
        UpdateReader.Read(writer, Context).Should().HaveCount(2);
    }

    [Fact]
    public void Prepend_FullLeadingSequence_StartsNewSegment()
    {
        var full = AsPath.Sequence(Enumerable.Range(1, 255).Select(i => (uint)i).ToArray());

        var path = ExportRules.Prepend(full, 65001);

        path.Segments.Should().HaveCount(2);
        path.Segments[0].Asns.Should().Equal(65001u);
        path.PathLength.Should().Be(256);
    }

    [Fact]
    public void WriteRefresh_AdvertisedFamily_ResendsEverythingWithoutChangingTheTable()
    {
        var rib = new AdjRibOut(Ebgp, Context, Both);
        rib.WriteChanges([.. Slash24s(300).Select(p => new RibChange(p, Shared)), new RibChange(Prefix.Parse("fd00:1::/64"), Shared)], new ArrayBufferWriter<byte>());
        var writer = new ArrayBufferWriter<byte>();

        var messages = rib.WriteRefresh(AfiSafi.IPv4Unicast, writer);

        messages.Should().Be(1);
        UpdateReader.Read(writer, Context).Single().Nlri.Should().HaveCount(300);
        rib.Count.Should().Be(301);
    }
}
