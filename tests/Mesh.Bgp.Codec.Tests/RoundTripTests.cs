using System.Buffers;
using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class RoundTripTests
{
    private static readonly Prefix[] V4 = [Prefix.Parse("10.244.1.0/24"), Prefix.Parse("172.20.0.10/32"), Prefix.Parse("0.0.0.0/0"), Prefix.Parse("10.128.0.0/9")];
    private static readonly Prefix[] V6 = [Prefix.Parse("fd00:244:1::/64"), Prefix.Parse("2001:db8::/32"), Prefix.Parse("::/0"), Prefix.Parse("fd00::1/128")];

    private static PathAttributes Base => new()
    {
        Origin = Origin.Igp,
        AsPath = AsPath.Sequence(65001),
        NextHop = IPAddress.Parse("10.0.1.2"),
    };

    /// <summary>Every message type and every attribute, each on its own so a failure names it.</summary>
    public static TheoryData<string, BgpMessage> Messages() => new()
    {
        { "KEEPALIVE", KeepaliveMessage.Instance },
        { "OPEN no capabilities", new OpenMessage(4, 65001, 90, 0x0A000102, default) },
        { "OPEN hold time 0", new OpenMessage(4, 65001, 0, 0x0A000102, default) },
        { "OPEN MP IPv4 + IPv6", OpenMessage.Create(65001, 30, 0x0A000102, new MultiprotocolCapability(AfiSafi.IPv4Unicast), new MultiprotocolCapability(AfiSafi.IPv6Unicast)) },
        { "OPEN 4-octet ASN", OpenMessage.Create(4200000002, 30, 0x0A000202) },
        { "OPEN route refresh", OpenMessage.Create(65001, 30, 1, new RouteRefreshCapability()) },
        { "OPEN enhanced route refresh", OpenMessage.Create(65001, 30, 1, new EnhancedRouteRefreshCapability()) },
        { "OPEN extended message", OpenMessage.Create(65001, 30, 1, new ExtendedMessageCapability()) },
        {
            "OPEN graceful restart",
            OpenMessage.Create(65001, 30, 1, new GracefulRestartCapability(true, true, 4095,
                new[] { new GracefulRestartFamily(AfiSafi.IPv4Unicast, true), new GracefulRestartFamily(AfiSafi.IPv6Unicast, false) }))
        },
        { "OPEN graceful restart helper only", OpenMessage.Create(65001, 30, 1, new GracefulRestartCapability(false, false, 120, default)) },
        { "OPEN unknown capability kept opaque", OpenMessage.Create(65001, 30, 1, new UnknownCapability(73, new byte[] { 4, 110, 111, 100, 101, 0 })) },
        { "OPEN thirty capabilities", OpenMessage.Create(65001, 30, 1, Enumerable.Range(0, 30).Select(i => (BgpCapability)new UnknownCapability(200, new byte[] { (byte)i, 1, 2, 3, 4, 5 })).ToArray()) },
        { "OPEN sixty capabilities use RFC 9072 extended parameters", OpenMessage.Create(65001, 30, 1, Enumerable.Range(0, 60).Select(i => (BgpCapability)new UnknownCapability(200, new byte[] { (byte)i, 1, 2, 3, 4, 5 })).ToArray()) },
        { "OPEN capability value of 255 octets", OpenMessage.Create(65001, 30, 1, new UnknownCapability(201, Enumerable.Repeat((byte)7, 255).ToArray())) },
        { "NOTIFICATION with data", new NotificationMessage(BgpErrorCode.OpenMessageError, 1, new byte[] { 0, 4 }) },
        { "NOTIFICATION without data", NotificationMessage.Cease(CeaseSubcode.AdministrativeReset) },
        { "ROUTE-REFRESH", new RouteRefreshMessage(AfiSafi.IPv4Unicast) },
        { "ROUTE-REFRESH BoRR", new RouteRefreshMessage(AfiSafi.IPv6Unicast, RouteRefreshSubtype.BeginningOfRouteRefresh) },
        { "ROUTE-REFRESH EoRR", new RouteRefreshMessage(AfiSafi.IPv6Unicast, RouteRefreshSubtype.EndOfRouteRefresh) },
        { "UPDATE End-of-RIB IPv4", UpdateMessage.EndOfRib(AfiSafi.IPv4Unicast) },
        { "UPDATE End-of-RIB IPv6", UpdateMessage.EndOfRib(AfiSafi.IPv6Unicast) },
        { "UPDATE withdrawals only", new UpdateMessage(V4, PathAttributes.Empty, default) },
        { "UPDATE mandatory attributes", new UpdateMessage(default, Base, V4) },
        { "UPDATE ORIGIN EGP", new UpdateMessage(default, Base with { Origin = Origin.Egp }, V4) },
        { "UPDATE ORIGIN INCOMPLETE", new UpdateMessage(default, Base with { Origin = Origin.Incomplete }, V4) },
        { "UPDATE empty AS_PATH", new UpdateMessage(default, Base with { AsPath = AsPath.Empty }, V4) },
        {
            "UPDATE AS_SET and AS_SEQUENCE",
            new UpdateMessage(default, Base with
            {
                AsPath = new AsPath(new[] { new AsPathSegment(AsPathSegmentType.AsSequence, new uint[] { 65001, 65002 }), new AsPathSegment(AsPathSegmentType.AsSet, new uint[] { 64512, 64513 }) }),
            }, V4)
        },
        { "UPDATE 4-octet ASNs in AS_PATH", new UpdateMessage(default, Base with { AsPath = AsPath.Sequence(4200000002, 65000, 4200000003) }, V4) },
        { "UPDATE MED", new UpdateMessage(default, Base with { MultiExitDisc = 42 }, V4) },
        { "UPDATE LOCAL_PREF", new UpdateMessage(default, Base with { LocalPref = 200 }, V4) },
        { "UPDATE ATOMIC_AGGREGATE", new UpdateMessage(default, Base with { AtomicAggregate = true }, V4) },
        { "UPDATE AGGREGATOR", new UpdateMessage(default, Base with { Aggregator = new Aggregator(65001, IPAddress.Parse("10.0.0.1")) }, V4) },
        { "UPDATE 4-octet AGGREGATOR", new UpdateMessage(default, Base with { Aggregator = new Aggregator(4200000002, IPAddress.Parse("10.0.0.1")) }, V4) },
        { "UPDATE COMMUNITIES", new UpdateMessage(default, Base with { Communities = new[] { Community.Create(65001, 100), Community.NoExport, Community.NoAdvertise, Community.Blackhole } }, V4) },
        { "UPDATE LARGE_COMMUNITY", new UpdateMessage(default, Base with { LargeCommunities = new[] { new LargeCommunity(4200000002, 1, 1), new LargeCommunity(65001, 1, 1) } }, V4) },
        { "UPDATE EXTENDED_COMMUNITIES", new UpdateMessage(default, Base with { ExtendedCommunities = new[] { new ExtendedCommunity(0x0002FDE900000064) } }, V4) },
        { "UPDATE 70 communities need extended length", new UpdateMessage(default, Base with { Communities = Enumerable.Range(0, 70).Select(i => new Community((uint)i)).ToArray() }, V4) },
        {
            "UPDATE unknown optional transitive kept with Partial",
            new UpdateMessage(default, Base with { Unknown = new[] { new UnknownAttribute(99, PathAttributeFlags.Optional | PathAttributeFlags.Transitive | PathAttributeFlags.Partial, new byte[] { 1, 2, 3 }) } }, V4)
        },
        {
            "UPDATE unknown optional non-transitive kept",
            new UpdateMessage(default, Base with { Unknown = new[] { new UnknownAttribute(9, PathAttributeFlags.Optional, new byte[] { 10, 0, 0, 9 }) } }, V4)
        },
        { "UPDATE IPv6 MP_REACH global next hop", new UpdateMessage(default, Base with { NextHop = null, MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:1::2"), null, V6) }, default) },
        {
            "UPDATE IPv6 MP_REACH global + link-local next hop",
            new UpdateMessage(default, Base with { NextHop = null, MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:2::2"), IPAddress.Parse("fe80::1872:c9ff:fe27:eacc"), V6) }, default)
        },
        { "UPDATE IPv4 NLRI in MP_REACH with IPv6 next hop", new UpdateMessage(default, Base with { NextHop = null, MpReach = new MpReachNlri(AfiSafi.IPv4Unicast, IPAddress.Parse("fd00::2"), null, V4) }, default) },
        { "UPDATE MP_UNREACH IPv6", new UpdateMessage(default, new PathAttributes { MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, V6) }, default) },
        {
            "UPDATE everything at once",
            new UpdateMessage(new[] { Prefix.Parse("10.9.0.0/16") }, Base with
            {
                AsPath = AsPath.Sequence(65001, 4200000002),
                MultiExitDisc = 5,
                LocalPref = 100,
                AtomicAggregate = true,
                Aggregator = new Aggregator(4200000002, IPAddress.Parse("10.0.2.2")),
                Communities = new[] { Community.Create(65001, 200), Community.NoExport },
                LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
                ExtendedCommunities = new[] { new ExtendedCommunity(1) },
                MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, V6),
            }, V4)
        },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void EncodeThenDecode_FourOctetSession_ReturnsEqualMessage(string name, BgpMessage message)
    {
        var bytes = BgpMessageCodec.ToArray(message, BgpCodecContext.Default);

        BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Default, out var decoded, out var error).Should().BeTrue(name);

        error.Should().BeNull();
        decoded.Should().Be(message);
        bytes.Length.Should().Be(BgpMessageCodec.Measure(message, BgpCodecContext.Default));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void EncodeThenDecode_TwoOctetSession_ReturnsEqualMessage(string name, BgpMessage message)
    {
        var bytes = BgpMessageCodec.ToArray(message, BgpCodecContext.Initial);

        BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Initial, out var decoded, out var error).Should().BeTrue(name);

        error.Should().BeNull();
        decoded.Should().Be(message);
    }

    [Fact]
    public void Encode_BufferWriter_WritesSameBytesAsToArray()
    {
        var message = new UpdateMessage(default, Base, V4);
        var writer = new ArrayBufferWriter<byte>();

        var written = BgpMessageCodec.Encode(message, BgpCodecContext.Default, writer);

        written.Should().Be(writer.WrittenCount);
        writer.WrittenSpan.ToArray().Should().Equal(BgpMessageCodec.ToArray(message, BgpCodecContext.Default));
    }

    [Fact]
    public void Encode_UpdateLargerThanMaximum_Throws()
    {
        var many = Enumerable.Range(0, 1100).Select(i => Prefix.IPv4((uint)i << 8, 24)).ToArray();
        var message = new UpdateMessage(default, Base, many);

        var act = () => BgpMessageCodec.ToArray(message, BgpCodecContext.Default);

        act.Should().Throw<ArgumentException>();
        BgpMessageCodec.ToArray(message, BgpCodecContext.Default with { ExtendedMessage = true }).Length.Should().BeGreaterThan(4096);
    }

    [Fact]
    public void Encode_UnknownTransitiveWithoutPartial_SetsPartialOnTheWire()
    {
        var unknown = new UnknownAttribute(99, PathAttributeFlags.Optional | PathAttributeFlags.Transitive, new byte[] { 7 });
        var bytes = BgpMessageCodec.ToArray(new UpdateMessage(default, PathAttributes.Empty with { Unknown = new[] { unknown } }, default), BgpCodecContext.Default);

        // header 19, withdrawn length 2, attribute length 2, then the attribute: flags, type, length, value
        bytes[23].Should().Be(0xE0);
        bytes[24].Should().Be(99);
    }

    [Fact]
    public void Encode_ValueOver255Octets_UsesExtendedLength()
    {
        var attributes = Base with { Communities = Enumerable.Range(0, 64).Select(i => new Community((uint)i)).ToArray() };
        var bytes = BgpMessageCodec.ToArray(new UpdateMessage(default, attributes, default), BgpCodecContext.Default);
        var shorter = BgpMessageCodec.ToArray(new UpdateMessage(default, attributes with { Communities = attributes.Communities.AsSpan()[..63].ToArray() }, default), BgpCodecContext.Default);

        // 64 communities are 256 octets: flags 0xD0 and a 2-octet length; 63 are 252 octets: flags 0xC0.
        bytes.AsSpan(23).IndexOf(new byte[] { 0xD0, 8, 1, 0 }).Should().BeGreaterThan(0);
        shorter.AsSpan(23).IndexOf(new byte[] { 0xC0, 8, 252 }).Should().BeGreaterThan(0);
    }

    [Fact]
    public void IsEndOfRib_MarkersAndOrdinaryUpdates_AreDistinguished()
    {
        UpdateMessage.EndOfRib(AfiSafi.IPv4Unicast).IsEndOfRib(out var v4).Should().BeTrue();
        v4.Should().Be(AfiSafi.IPv4Unicast);
        UpdateMessage.EndOfRib(AfiSafi.IPv6Unicast).IsEndOfRib(out var v6).Should().BeTrue();
        v6.Should().Be(AfiSafi.IPv6Unicast);
        new UpdateMessage(V4, PathAttributes.Empty, default).IsEndOfRib(out _).Should().BeFalse();
        new UpdateMessage(default, new PathAttributes { MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, V6) }, default).IsEndOfRib(out _).Should().BeFalse();
    }

    [Fact]
    public void AnnouncedAndAllWithdrawn_BothFamilies_ConcatenateIPv4ThenIPv6()
    {
        var update = new UpdateMessage(V4[..1], Base with
        {
            MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00::2"), null, V6[..2]),
            MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, V6[2..]),
        }, V4[1..]);

        update.Announced.Should().Equal([.. V4[1..], .. V6[..2]]);
        update.AllWithdrawn.Should().Equal([V4[0], .. V6[2..]]);
    }
}
