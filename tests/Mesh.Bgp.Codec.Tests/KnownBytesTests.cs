using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Testing;
using static Mesh.Bgp.Codec.Tests.Wire;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>Byte-exact encodings, written out by hand from RFC 4271, RFC 4760, RFC 5492, RFC 6793, RFC 2918.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KnownBytesTests
{
    private const string Marker = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";

    [Fact]
    public void Encode_Keepalive_Is19BytesOfMarkerLengthAndType()
    {
        var bytes = BgpMessageCodec.ToArray(KeepaliveMessage.Instance, BgpCodecContext.Default);

        Convert.ToHexString(bytes).Should().Be(Marker + "0013" + "04");
    }

    [Fact]
    public void Encode_OpenWithFourOctetAsn_PutsAsTransInMyAsAndTheRealAsInTheCapability()
    {
        var open = OpenMessage.Create(4200000002, 30, 0x0A000202,
            new MultiprotocolCapability(AfiSafi.IPv4Unicast),
            new RouteRefreshCapability());

        var bytes = BgpMessageCodec.ToArray(open, BgpCodecContext.Initial);

        Convert.ToHexString(bytes).Should().Be(
            Marker + "002D" + "01" +
            "04" + "5BA0" + "001E" + "0A000202" + // version 4, My AS 23456 (AS_TRANS), hold 30, identifier 10.0.2.2
            "10" + "02" + "0E" + // optional parameters length 16: one Capabilities parameter of 14
            "0104" + "00010001" + // MP: AFI 1, reserved, SAFI 1
            "0200" + // route refresh
            "4104" + "FA56EA02"); // 4-octet AS 4200000002
        BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Initial, out var decoded, out _).Should().BeTrue();
        ((OpenMessage)decoded!).Asn.Should().Be(4200000002);
        ((OpenMessage)decoded).MyAs.Should().Be(23456);
    }

    [Fact]
    public void Decode_OpenWithGracefulRestart_ReadsFlagsTimeAndForwardingBits()
    {
        // R and N set, restart time 120; IPv4 unicast with F bit, IPv6 unicast without.
        var input = Message(1, Hex("04 FDE9 005A 0A000102 0E 02 0C 40 0A C078 0001 01 80 0002 01 00"));

        BgpMessageCodec.TryDecode(input, BgpCodecContext.Initial, out var message, out var error).Should().BeTrue(error?.ToString());

        var gr = ((OpenMessage)message!).Find<GracefulRestartCapability>();
        gr.Should().Be(new GracefulRestartCapability(true, true, 120,
            new[] { new GracefulRestartFamily(AfiSafi.IPv4Unicast, true), new GracefulRestartFamily(AfiSafi.IPv6Unicast, false) }));
    }

    [Fact]
    public void Encode_EndOfRibIPv4_IsTheEmpty23ByteUpdate()
    {
        var bytes = BgpMessageCodec.ToArray(UpdateMessage.EndOfRib(AfiSafi.IPv4Unicast), BgpCodecContext.Default);

        Convert.ToHexString(bytes).Should().Be(Marker + "0017" + "02" + "0000" + "0000");
    }

    [Fact]
    public void Encode_EndOfRibIPv6_IsAnEmptyMpUnreach()
    {
        var bytes = BgpMessageCodec.ToArray(UpdateMessage.EndOfRib(AfiSafi.IPv6Unicast), BgpCodecContext.Default);

        Convert.ToHexString(bytes).Should().Be(Marker + "001D" + "02" + "0000" + "0006" + "800F03" + "000201");
    }

    [Fact]
    public void Encode_Ipv4Update_MatchesHandWrittenBytesWithMinimalPrefixOctets()
    {
        var update = new UpdateMessage(
            new[] { Prefix.Parse("10.9.0.0/16") },
            new PathAttributes
            {
                Origin = Origin.Incomplete,
                AsPath = AsPath.Sequence(65001),
                NextHop = IPAddress.Parse("10.0.1.2"),
                Communities = new[] { Community.Create(65001, 100) },
                LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
            },
            new[] { Prefix.Parse("10.244.1.0/24"), Prefix.Parse("172.20.0.10/32"), Prefix.Parse("0.0.0.0/0"), Prefix.Parse("10.128.0.0/9") });

        var bytes = BgpMessageCodec.ToArray(update, BgpCodecContext.Default);

        var expected = Concat(
            U16(3), Hex("10 0A09"),
            U16(4 + 9 + 7 + 7 + 15),
            Hex("40 01 01 02"),
            Hex("40 02 06 02 01 0000FDE9"),
            Hex("40 03 04 0A000102"),
            Hex("C0 08 04 FDE90064"),
            Hex("C0 20 0C 0000FDE9 00000001 00000001"),
            Hex("18 0AF401  20 AC14000A  00  09 0A80"));
        bytes.Should().Equal(Message(2, expected));
    }

    [Fact]
    public void Encode_TwoOctetSessionWithFourOctetPath_AddsAs4PathAndAs4Aggregator()
    {
        var update = new UpdateMessage(default, new PathAttributes
        {
            Origin = Origin.Igp,
            AsPath = AsPath.Sequence(4200000002, 65000),
            NextHop = IPAddress.Parse("10.0.2.2"),
            Aggregator = new Aggregator(4200000002, IPAddress.Parse("10.0.2.2")),
        }, new[] { Prefix.Parse("10.245.1.0/24") });

        var bytes = BgpMessageCodec.ToArray(update, BgpCodecContext.Initial);

        var attributes = Concat(
            Hex("40 01 01 00"),
            Hex("40 02 06 02 02 5BA0 FDE8"),
            Hex("40 03 04 0A000202"),
            Hex("C0 07 06 5BA0 0A000202"),
            Hex("C0 11 0A 02 02 FA56EA02 0000FDE8"),
            Hex("C0 12 08 FA56EA02 0A000202"));
        bytes.Should().Equal(Update([], attributes, Hex("18 0AF501")));
    }

    [Fact]
    public void Encode_Ipv6MpReachWithLinkLocal_HasNextHopLength32()
    {
        var update = new UpdateMessage(default, new PathAttributes
        {
            Origin = Origin.Igp,
            AsPath = AsPath.Empty,
            MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:2::2"), IPAddress.Parse("fe80::1"), new[] { Prefix.Parse("fd00:245:1::/64") }),
        }, default);

        var bytes = BgpMessageCodec.ToArray(update, BgpCodecContext.Default);

        var reach = Hex("80 0E 2E 0002 01 20 FD000000000200000000000000000002 FE800000000000000000000000000001 00 40 FD0002450001 0000");
        bytes.Should().Equal(Update([], Concat(reach, Hex("40 01 01 00"), Hex("40 02 00")), []));
    }

    [Fact]
    public void Encode_NotificationAndRouteRefresh_MatchRfcLayouts()
    {
        var notification = BgpMessageCodec.ToArray(new NotificationMessage(BgpErrorCode.OpenMessageError, 2, default), BgpCodecContext.Default);
        var refresh = BgpMessageCodec.ToArray(new RouteRefreshMessage(AfiSafi.IPv6Unicast, RouteRefreshSubtype.EndOfRouteRefresh), BgpCodecContext.Default);

        Convert.ToHexString(notification).Should().Be(Marker + "0015" + "03" + "0202");
        Convert.ToHexString(refresh).Should().Be(Marker + "0017" + "05" + "0002" + "02" + "01");
    }

    [Fact]
    public void NotificationFrom_DecodeError_CarriesCodeSubcodeAndData()
    {
        BgpMessageCodec.TryDecode(Message(9), BgpCodecContext.Default, out _, out var error).Should().BeFalse();

        var bytes = BgpMessageCodec.ToArray(NotificationMessage.From(error!), BgpCodecContext.Default);

        Convert.ToHexString(bytes).Should().Be(Marker + "0016" + "03" + "0103" + "09");
    }

    [Fact]
    public void Shutdown_Communication_IsLengthPrefixedUtf8AndReadsBack()
    {
        var notification = NotificationMessage.Shutdown(CeaseSubcode.AdministrativeShutdown, "maintenance");

        var bytes = BgpMessageCodec.ToArray(notification, BgpCodecContext.Default);

        Convert.ToHexString(bytes).Should().Be(Marker + "0021" + "03" + "0602" + "0B" + Convert.ToHexString("maintenance"u8));
        notification.TryGetShutdownCommunication(out var text).Should().BeTrue();
        text.Should().Be("maintenance");
    }

    [Fact]
    public void Shutdown_LongCommunication_IsTruncatedOnACharacterBoundary()
    {
        var notification = NotificationMessage.Shutdown(CeaseSubcode.AdministrativeReset, new string('é', 200));

        notification.Data[0].Should().Be(254);
        notification.TryGetShutdownCommunication(out var text).Should().BeTrue();
        text.Should().Be(new string('é', 127));
    }

    [Fact]
    public void Decode_OpenWithExtendedOptionalParameters_ReadsCapabilities()
    {
        // RFC 9072: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 9, then type 2 with a 2-octet length 6.
        var input = Message(1, Hex("04 FDE9 005A 0A000102 FF FF 0009 02 0006 4104 0000FDE9"));

        BgpMessageCodec.TryDecode(input, BgpCodecContext.Initial, out var message, out var error).Should().BeTrue(error?.ToString());

        ((OpenMessage)message!).Capabilities.Should().Equal(new FourOctetAsnCapability(65001));
    }

    [Fact]
    public void Encode_OpenOver255ParameterOctets_UsesExtendedFormat()
    {
        var open = OpenMessage.Create(65001, 30, 1, Enumerable.Range(0, 50).Select(i => (BgpCapability)new UnknownCapability(200, new byte[] { (byte)i, 0, 0, 0 })).ToArray());

        var bytes = BgpMessageCodec.ToArray(open, BgpCodecContext.Initial);

        // 50 × 6 octets + the 4-octet AS capability (6) = 306 octets of capabilities in one parameter.
        // Non-Ext OP Len and Type 255, extended length 309, then parameter type 2 with length 306.
        Convert.ToHexString(bytes.AsSpan(28, 7)).Should().Be("FFFF" + "0135" + "02" + "0132");
        bytes.Length.Should().Be(19 + 10 + 3 + 3 + 306);
    }
}
