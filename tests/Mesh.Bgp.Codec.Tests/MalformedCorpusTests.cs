using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Testing;
using static Mesh.Bgp.Codec.Tests.Wire;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MalformedCorpusTests
{
    private static readonly BgpCodecContext FourOctet = BgpCodecContext.Default;
    private static readonly BgpCodecContext TwoOctet = BgpCodecContext.Initial;
    private static readonly BgpCodecContext Ibgp = new(FourOctetAsn: true, Ibgp: true);
    private static readonly byte[] Nlri = [24, 10, 244, 1];
    private static readonly byte[] Origin = Attribute(0x40, 1, 0);
    private static readonly byte[] AsPath = Attribute(0x40, 2, 2, 1, 0, 0, 0xFD, 0xE9);
    private static readonly byte[] NextHop = Attribute(0x40, 3, 10, 0, 1, 2);

    private const BgpErrorCode Header = BgpErrorCode.MessageHeaderError;
    private const BgpErrorCode Open = BgpErrorCode.OpenMessageError;
    private const BgpErrorCode Update = BgpErrorCode.UpdateMessageError;
    private const BgpErrorAction Reset = BgpErrorAction.SessionReset;
    private const BgpErrorAction Withdraw = BgpErrorAction.TreatAsWithdraw;
    private const BgpErrorAction Discard = BgpErrorAction.AttributeDiscard;

    public static TheoryData<MalformedCase> Corpus()
    {
        var data = new TheoryData<MalformedCase>();
        void Add(string name, byte[] input, BgpErrorCode code, byte subcode, string dataHex, BgpErrorAction action, BgpCodecContext? context = null) =>
            data.Add(new MalformedCase(name, input, context ?? FourOctet, code, subcode, dataHex, action));

        // RFC 4271 §6.1 header errors.
        var badMarker = Message(4);
        badMarker[3] = 0;
        Add("marker not all ones", badMarker, Header, 1, "", Reset);
        Add("length below 19", Concat(Message(4)[..16], [0, 18, 4]), Header, 2, "0012", Reset);
        Add("length above 4096", Concat(Message(2)[..16], [0x10, 0x01, 2]), Header, 2, "1001", Reset);
        Add("OPEN above 4096 even with extended messages", Concat(Message(1)[..16], [0x13, 0x88, 1]), Header, 2, "1388", Reset,
            new BgpCodecContext(FourOctetAsn: true, ExtendedMessage: true));
        Add("KEEPALIVE of 20 octets", Message(4, [0]), Header, 2, "0014", Reset);
        Add("OPEN shorter than 29", Message(1, new byte[9]), Header, 2, "001C", Reset);
        Add("UPDATE shorter than 23", Message(2, [0, 0, 0]), Header, 2, "0016", Reset);
        Add("NOTIFICATION shorter than 21", Message(3, [6]), Header, 2, "0014", Reset);
        Add("unknown type 6", Message(6), Header, 3, "06", Reset);
        Add("unknown type 0", Message(0), Header, 3, "00", Reset);

        // RFC 4271 §6.2 OPEN errors.
        byte[] OpenBody(byte version = 4, ushort myAs = 65001, ushort hold = 90, uint id = 0x0A000102, params byte[] parameters) =>
            Concat([version], U16(myAs), U16(hold), U32(id), [(byte)parameters.Length], parameters);
        Add("OPEN version 3", Message(1, OpenBody(version: 3)), Open, 1, "0004", Reset);
        Add("OPEN My AS 0", Message(1, OpenBody(myAs: 0)), Open, 2, "", Reset);
        Add("OPEN 4-octet AS capability of 0", Message(1, OpenBody(myAs: 23456, parameters: [2, 6, 65, 4, 0, 0, 0, 0])), Open, 2, "", Reset);
        Add("OPEN hold time 1", Message(1, OpenBody(hold: 1)), Open, 6, "", Reset);
        Add("OPEN hold time 2", Message(1, OpenBody(hold: 2)), Open, 6, "", Reset);
        Add("OPEN BGP identifier 0", Message(1, OpenBody(id: 0)), Open, 3, "", Reset);
        Add("OPEN optional parameter type 1", Message(1, OpenBody(parameters: [1, 1, 0])), Open, 4, "", Reset);
        Add("OPEN MP capability of 3 octets", Message(1, OpenBody(parameters: [2, 5, 1, 3, 0, 1, 0])), Open, 0, "", Reset);
        Add("OPEN capability overruns its parameter", Message(1, OpenBody(parameters: [2, 2, 65, 4])), Open, 0, "", Reset);
        Add("OPEN parameter length disagrees with message", Message(1, Concat(OpenBody(), [2])), Open, 0, "", Reset);

        Add("OPEN extended parameters length truncated", Message(1, Concat(OpenBody()[..9], [255, 255, 0])), Open, 0, "", Reset);
        Add("OPEN extended parameter overruns", Message(1, Concat(OpenBody()[..9], [255, 255, 0, 5, 2, 0, 9, 65, 4])), Open, 0, "", Reset);

        // RFC 7313 §5.
        var longRefresh = Message(5, [0, 1, 0, 1, 0]);
        Add("ROUTE-REFRESH of 24 octets", longRefresh, BgpErrorCode.RouteRefreshMessageError, 1, Convert.ToHexString(longRefresh), Reset);

        // UPDATE structure (RFC 4271 §6.3, RFC 7606 §5.3).
        Add("withdrawn length overruns", Message(2, [0, 9, 0, 0]), Update, 1, "", Reset);
        Add("attribute length overruns", Message(2, [0, 0, 0, 9]), Update, 1, "", Reset);
        Add("NLRI prefix length 33", Update([], Concat(Origin, AsPath, NextHop), [33, 10, 0, 0, 0, 0]), Update, 10, "", Reset);
        Add("withdrawn prefix length 33", Update([33, 10, 0, 0, 0, 0], [], []), Update, 10, "", Reset);
        Add("NLRI prefix overruns the message", Update([], Concat(Origin, AsPath, NextHop), [24, 10, 0]), Update, 10, "", Reset);

        // RFC 7606 §7 per attribute.
        var badOrigin = Attribute(0x40, 1, 3);
        Add("ORIGIN value 3", Update([], Concat(badOrigin, AsPath, NextHop), Nlri), Update, 6, "40010103", Withdraw);
        Add("ORIGIN length 2", Update([], Concat(Attribute(0x40, 1, 0, 0), AsPath, NextHop), Nlri), Update, 5, "4001020000", Withdraw);
        Add("ORIGIN flagged optional", Update([], Concat(Attribute(0xC0, 1, 0), AsPath, NextHop), Nlri), Update, 4, "C0010100", Withdraw);
        Add("AS_PATH segment type 5", Update([], Concat(Origin, Attribute(0x40, 2, 5, 1, 0, 0, 0xFD, 0xE9), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AS_PATH zero-length segment", Update([], Concat(Origin, Attribute(0x40, 2, 2, 0), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AS_PATH segment overruns", Update([], Concat(Origin, Attribute(0x40, 2, 2, 2, 0, 0, 0xFD, 0xE9), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AS_PATH 2-octet encoding on a 4-octet session", Update([], Concat(Origin, Attribute(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AS_PATH confederation segment from eBGP", Update([], Concat(Origin, Attribute(0x40, 2, 3, 1, 0, 0, 0xFD, 0xE9), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AS_PATH containing AS 0", Update([], Concat(Origin, Attribute(0x40, 2, 2, 2, 0, 0, 0xFD, 0xE9, 0, 0, 0, 0), NextHop), Nlri), Update, 11, "", Withdraw);
        Add("AGGREGATOR AS 0", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 7, 0, 0, 0, 0, 10, 0, 0, 1)), Nlri), Update, 9, "C00708" + "00000000" + "0A000001", Discard);
        Add("AS4_PATH containing AS 0 on a 2-octet session", Update([], Concat(Origin, Attribute(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop, Attribute(0xC0, 17, 2, 1, 0, 0, 0, 0)), Nlri),
            Update, 9, "C011060201" + "00000000", Discard, TwoOctet);
        Add("AS4_AGGREGATOR AS 0 on a 2-octet session", Update([], Concat(Origin, Attribute(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop, Attribute(0xC0, 18, 0, 0, 0, 0, 10, 0, 0, 1)), Nlri),
            Update, 9, "C01208000000000A000001", Discard, TwoOctet);
        Add("NEXT_HOP length 5", Update([], Concat(Origin, AsPath, Attribute(0x40, 3, 10, 0, 1, 2, 3)), Nlri), Update, 5, "4003050A00010203", Withdraw);
        Add("NEXT_HOP 0.0.0.0", Update([], Concat(Origin, AsPath, Attribute(0x40, 3, 0, 0, 0, 0)), Nlri), Update, 8, "40030400000000", Withdraw);
        Add("NEXT_HOP multicast", Update([], Concat(Origin, AsPath, Attribute(0x40, 3, 224, 0, 0, 1)), Nlri), Update, 8, "400304E0000001", Withdraw);
        Add("MED length 3", Update([], Concat(Origin, AsPath, NextHop, Attribute(0x80, 4, 0, 0, 1)), Nlri), Update, 5, "800403000001", Withdraw);
        Add("MED flagged well-known", Update([], Concat(Origin, AsPath, NextHop, Attribute(0x40, 4, 0, 0, 0, 1)), Nlri), Update, 4, "40040400000001", Withdraw);
        Add("LOCAL_PREF length 5", Update([], Concat(Origin, AsPath, NextHop, Attribute(0x40, 5, 0, 0, 0, 0, 100)), Nlri), Update, 5, "4005050000000064", Withdraw);
        Add("ATOMIC_AGGREGATE length 1", Update([], Concat(Origin, AsPath, NextHop, Attribute(0x40, 6, 0)), Nlri), Update, 5, "40060100", Discard);
        Add("AGGREGATOR 6 octets on a 4-octet session", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 7, 0xFD, 0xE9, 10, 0, 0, 1)), Nlri), Update, 5, "C00706FDE90A000001", Discard);
        Add("AGGREGATOR flagged non-transitive", Update([], Concat(Origin, AsPath, NextHop, Attribute(0x80, 7, 0, 0, 0xFD, 0xE9, 10, 0, 0, 1)), Nlri), Update, 4, "8007080000FDE90A000001", Discard);
        Add("AS4_AGGREGATOR 6 octets on a 2-octet session", Update([], Concat(Origin, Attribute(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop, Attribute(0xC0, 18, 0xFD, 0xE9, 10, 0, 0, 1)), Nlri),
            Update, 5, "C01206FDE90A000001", Discard, TwoOctet);
        Add("AS4_PATH segment overruns on a 2-octet session", Update([], Concat(Origin, Attribute(0x40, 2, 2, 1, 0xFD, 0xE9), NextHop, Attribute(0xC0, 17, 2, 2, 0, 0, 0xFD, 0xE9)), Nlri),
            Update, 9, "C0110602020000FDE9", Discard, TwoOctet);
        Add("COMMUNITIES length 5", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 8, 0xFD, 0xE9, 0, 100, 0)), Nlri), Update, 5, "C00805FDE9006400", Withdraw);
        Add("COMMUNITIES empty", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 8)), Nlri), Update, 5, "C00800", Withdraw);
        Add("LARGE_COMMUNITY length 13", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 32, new byte[13])), Nlri), Update, 5, "C0200D" + new string('0', 26), Withdraw);
        Add("EXTENDED_COMMUNITIES length 7", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 16, new byte[7])), Nlri), Update, 5, "C01007" + new string('0', 14), Withdraw);

        // MP_REACH / MP_UNREACH (RFC 7606 §7.11-§7.12, RFC 4760 §7): session reset with Optional Attribute Error.
        var v6NextHop = Convert.FromHexString("FD000000000100000000000000000002");
        var reachBadNextHop = Attribute(0x80, 14, Concat([0, 2, 1, 5], new byte[5], [0], [64, 0xFD, 0, 2, 0x44, 0, 1, 0, 0]));
        Add("MP_REACH next hop length 5", Update([], Concat(reachBadNextHop, Origin, AsPath), []), Update, 9, Convert.ToHexString(reachBadNextHop), Reset);
        var reachBadPrefix = Attribute(0x80, 14, Concat([0, 2, 1, 16], v6NextHop, [0], [129], new byte[17]));
        Add("MP_REACH prefix length 129", Update([], Concat(reachBadPrefix, Origin, AsPath), []), Update, 9, Convert.ToHexString(reachBadPrefix), Reset);
        var reachBadFamily = Attribute(0x80, 14, Concat([0, 25, 70, 4], [10, 0, 0, 1], [0]));
        Add("MP_REACH unsupported family", Update([], Concat(reachBadFamily, Origin, AsPath), []), Update, 9, Convert.ToHexString(reachBadFamily), Reset);
        var unreachShort = Attribute(0x80, 15, 0, 2);
        Add("MP_UNREACH of 2 octets", Update([], unreachShort, []), Update, 9, Convert.ToHexString(unreachShort), Reset);
        var reachFlagged = Attribute(0x40, 14, Concat([0, 2, 1, 16], v6NextHop, [0]));
        Add("MP_REACH flagged well-known", Update([], Concat(reachFlagged, Origin, AsPath), []), Update, 4, Convert.ToHexString(reachFlagged), Reset);
        var unreach = Attribute(0x80, 15, 0, 2, 1);
        Add("MP_UNREACH twice", Update([], Concat(unreach, unreach), []), Update, 1, "", Reset);
        var reach = Attribute(0x80, 14, Concat([0, 2, 1, 16], v6NextHop, [0], [64, 0xFD, 0, 2, 0x44, 0, 1, 0, 0]));
        Add("MP_REACH twice", Update([], Concat(reach, Origin, AsPath, reach), []), Update, 1, "", Reset);
        Add("MP_REACH overruns the attributes", Update([], Concat(Origin, AsPath, reach[..^3]), []), Update, 1, "", Reset);
        Add("malformed ORIGIN then malformed MP_REACH: the reset wins", Update([], Concat(badOrigin, AsPath, reachBadPrefix), []), Update, 9, Convert.ToHexString(reachBadPrefix), Reset);

        // RFC 7606 §3-§4 list-level rules.
        var secondOrigin = Attribute(0x40, 1, 2);
        Add("ORIGIN twice: the second is discarded", Update([], Concat(Origin, AsPath, NextHop, secondOrigin), Nlri), Update, 1, "40010102", Discard);
        Add("missing ORIGIN", Update([], Concat(AsPath, NextHop), Nlri), Update, 3, "01", Withdraw);
        Add("missing AS_PATH", Update([], Concat(Origin, NextHop), Nlri), Update, 3, "02", Withdraw);
        Add("missing NEXT_HOP", Update([], Concat(Origin, AsPath), Nlri), Update, 3, "03", Withdraw);
        Add("missing LOCAL_PREF from an internal peer", Update([], Concat(Origin, AsPath, NextHop), Nlri), Update, 3, "05", Withdraw, Ibgp);
        Add("missing ORIGIN with IPv6 NLRI only", Update([], Concat(reach, AsPath), []), Update, 3, "01", Withdraw);
        Add("last attribute overruns the attributes", Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 8, 0, 0, 0, 1)[..^2]), Nlri), Update, 1, "", Withdraw);
        Add("fewer than 3 octets left for an attribute", Update([], Concat(Origin, AsPath, NextHop, [0xC0, 8]), Nlri), Update, 1, "", Withdraw);
        var unknownWellKnown = Attribute(0x40, 99, 1);
        Add("unrecognized well-known attribute", Update([], Concat(Origin, AsPath, NextHop, unknownWellKnown), Nlri), Update, 2, "40630101", Reset);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void TryDecode_MalformedInput_ReportsExactCodeSubcodeDataAndAction(MalformedCase c)
    {
        var accepted = BgpMessageCodec.TryDecode(c.Input, c.Context, out var message, out var error);

        error.Should().NotBeNull();
        error!.Code.Should().Be(c.Code, c.Name);
        error.Subcode.Should().Be(c.Subcode, error.Reason);
        Convert.ToHexString(error.Data.AsSpan()).Should().Be(c.DataHex, error.Reason);
        error.Action.Should().Be(c.Action, error.Reason);
        accepted.Should().Be(c.Action != BgpErrorAction.SessionReset);
        (message is not null).Should().Be(accepted);
    }

    [Fact]
    public void TryDecode_UpdateWithoutNlriMissingAttributes_IsAccepted()
    {
        var input = Update([24, 10, 244, 1], [], []);

        BgpMessageCodec.TryDecode(input, FourOctet, out var message, out var error).Should().BeTrue();

        error.Should().BeNull();
        ((UpdateMessage)message!).Withdrawn.Should().ContainSingle();
    }

    [Fact]
    public void TryDecode_DuplicateOrigin_KeepsTheFirstOccurrence()
    {
        var input = Update([], Concat(Origin, AsPath, NextHop, Attribute(0x40, 1, 2)), Nlri);

        BgpMessageCodec.TryDecode(input, FourOctet, out var message, out _).Should().BeTrue();

        var update = (UpdateMessage)message!;
        update.Attributes.Origin.Should().Be(Attributes.Origin.Igp);
        update.Nlri.Should().ContainSingle();
    }

    [Fact]
    public void TryDecode_MalformedAggregator_DropsOnlyThatAttribute()
    {
        var input = Update([], Concat(Origin, AsPath, NextHop, Attribute(0xC0, 7, 0xFD, 0xE9, 10, 0, 0, 1), Attribute(0xC0, 8, 0xFD, 0xE9, 0, 100)), Nlri);

        BgpMessageCodec.TryDecode(input, FourOctet, out var message, out var error).Should().BeTrue();

        error!.Action.Should().Be(BgpErrorAction.AttributeDiscard);
        var update = (UpdateMessage)message!;
        update.Attributes.Aggregator.Should().BeNull();
        update.Attributes.Communities.Should().ContainSingle();
        update.Nlri.Should().ContainSingle();
    }

    [Fact]
    public void TryReadHeader_FewerThan19Bytes_NeedsMoreWithoutError()
    {
        BgpMessageCodec.TryReadHeader(Message(4).AsSpan(0, 18), FourOctet, out _, out var error).Should().BeFalse();

        error.Should().BeNull();
    }

    [Fact]
    public void TryReadHeader_ExtendedMessageNegotiated_AcceptsLargeUpdate()
    {
        var header = Concat(Message(2)[..16], [0x13, 0x88, 2]);

        BgpMessageCodec.TryReadHeader(header, new BgpCodecContext(true, ExtendedMessage: true), out var parsed, out var error).Should().BeTrue();

        error.Should().BeNull();
        parsed.Should().Be(new BgpMessageHeader(5000, BgpMessageType.Update));
    }

    [Fact]
    public void TryDecode_BufferLongerThanHeaderLength_IsBadLength()
    {
        var input = Concat(Message(4), [0]);

        BgpMessageCodec.TryDecode(input, FourOctet, out _, out var error).Should().BeFalse();

        error!.Subcode.Should().Be((byte)MessageHeaderError.BadMessageLength);
        Convert.ToHexString(error.Data.AsSpan()).Should().Be("0013");
    }
}
