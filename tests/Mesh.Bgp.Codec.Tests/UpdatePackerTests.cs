using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Codec.Packing;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class UpdatePackerTests
{
    private static readonly PathAttributes Shared = new()
    {
        Origin = Origin.Igp,
        AsPath = AsPath.Empty,
        NextHop = IPAddress.Parse("10.0.1.2"),
        Communities = new[] { Community.Create(65001, 100) },
    };

    private static readonly PathAttributes SharedV6 = Shared with
    {
        NextHop = null,
        MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:1::2"), IPAddress.Parse("fe80::1"), default),
    };

    /// <summary>N consecutive /24s from 16.0.0.0/24, as in the benchmark of spec/bgp.md B.1.</summary>
    private static Prefix[] Slash24s(int count) => Enumerable.Range(0, count).Select(i => Prefix.IPv4(0x10000000u + ((uint)i << 8), 24)).ToArray();

    private static Prefix[] Slash64s(int count) => Enumerable.Range(0, count).Select(i => Prefix.IPv6((UInt128.One << 127) | ((UInt128)(uint)i << 64), 64)).ToArray();

    private static List<UpdateMessage> DecodeAll(ReadOnlySpan<byte> stream, BgpCodecContext context)
    {
        var messages = new List<UpdateMessage>();
        while (!stream.IsEmpty)
        {
            BgpMessageCodec.TryReadHeader(stream, context, out var header, out var headerError).Should().BeTrue(headerError?.ToString());
            header.Length.Should().BeLessThanOrEqualTo(context.MaxMessageLength);
            BgpMessageCodec.TryDecode(stream[..header.Length], context, out var message, out var error).Should().BeTrue(error?.ToString());
            error.Should().BeNull();
            messages.Add((UpdateMessage)message!);
            stream = stream[header.Length..];
        }

        return messages;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1000, 1)]
    [InlineData(10_000, 10)]
    [InlineData(100_000, 99)] // (4096 - 23 - 21 octets of attributes) / 4 = 1013 per UPDATE
    public void WriteAnnouncements_SharedAttributes_PacksAboutAThousandSlash24sPerUpdate(int prefixes, int expectedMessages)
    {
        var input = Slash24s(prefixes);
        var writer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteAnnouncements(writer, Shared, input, BgpCodecContext.Default);

        count.Should().Be(expectedMessages);
        var messages = DecodeAll(writer.WrittenSpan, BgpCodecContext.Default);
        messages.Should().HaveCount(count);
        messages.Should().OnlyContain(m => m.Attributes == Shared && m.Withdrawn.IsEmpty);
        messages.SelectMany(m => m.Nlri).Should().Equal(input);
    }

    [Fact]
    public void WriteAnnouncements_FullMessages_LeaveNoRoomForAnotherPrefix()
    {
        var writer = new ArrayBufferWriter<byte>();

        UpdatePacker.WriteAnnouncements(writer, Shared, Slash24s(5000), BgpCodecContext.Default);

        var first = BinaryPrimitives.ReadUInt16BigEndian(writer.WrittenSpan[16..]);
        first.Should().BeGreaterThan(4096 - 4, "a /24 takes 4 octets, so a full UPDATE has fewer than 4 spare");
    }

    [Fact]
    public void WriteAnnouncements_ExtendedMessage_PacksSixteenTimesMore()
    {
        var context = BgpCodecContext.Default with { ExtendedMessage = true };
        var writer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteAnnouncements(writer, Shared, Slash24s(100_000), context);

        count.Should().Be(7);
        DecodeAll(writer.WrittenSpan, context).SelectMany(m => m.Nlri).Should().HaveCount(100_000);
    }

    [Fact]
    public void WriteAnnouncements_Ipv6_PacksIntoMpReachWithTheTemplateNextHops()
    {
        var input = Slash64s(2000);
        var writer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteAnnouncements(writer, SharedV6, input, BgpCodecContext.Default);

        var messages = DecodeAll(writer.WrittenSpan, BgpCodecContext.Default);
        messages.Should().HaveCount(count);
        count.Should().Be(5, "a /64 takes 9 octets: about 445 per 4 KB UPDATE");
        messages.Should().OnlyContain(m => m.Nlri.IsEmpty && m.Attributes.MpReach!.NextHop.Equals(IPAddress.Parse("fd00:0:1::2")) && m.Attributes.MpReach.LinkLocalNextHop!.Equals(IPAddress.Parse("fe80::1")));
        var others = SharedV6 with { MpReach = null };
        messages.Select(m => m.Attributes with { MpReach = null }).Should().OnlyContain(a => a == others);
        messages.SelectMany(m => m.Attributes.MpReach!.Nlri).Should().Equal(input);
    }

    [Fact]
    public void WriteAnnouncements_SmallIpv6Batch_UsesOneOctetAttributeLength()
    {
        var writer = new ArrayBufferWriter<byte>();

        UpdatePacker.WriteAnnouncements(writer, SharedV6, Slash64s(2), BgpCodecContext.Default);

        DecodeAll(writer.WrittenSpan, BgpCodecContext.Default).Single().Attributes.MpReach!.Nlri.Should().HaveCount(2);
        writer.WrittenSpan[23].Should().Be(0x80, "MP_REACH_NLRI comes first, without the Extended Length bit");
    }

    [Theory]
    [InlineData(10_000, 10)]
    [InlineData(100_000, 99)] // (4096 - 23) / 4 = 1018 per UPDATE
    public void WriteWithdrawals_Ipv4_PacksIntoWithdrawnRoutes(int prefixes, int expectedMessages)
    {
        var input = Slash24s(prefixes);
        var writer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteWithdrawals(writer, input, BgpCodecContext.Default);

        count.Should().Be(expectedMessages);
        var messages = DecodeAll(writer.WrittenSpan, BgpCodecContext.Default);
        messages.Should().OnlyContain(m => m.Attributes == PathAttributes.Empty && m.Nlri.IsEmpty);
        messages.SelectMany(m => m.Withdrawn).Should().Equal(input);
    }

    [Fact]
    public void WriteWithdrawals_Ipv6_PacksIntoMpUnreach()
    {
        var input = Slash64s(1000);
        var writer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteWithdrawals(writer, input, BgpCodecContext.Default);

        count.Should().Be(3);
        var messages = DecodeAll(writer.WrittenSpan, BgpCodecContext.Default);
        messages.Should().OnlyContain(m => m.Withdrawn.IsEmpty && m.Attributes.MpUnreach!.Family == AfiSafi.IPv6Unicast);
        messages.SelectMany(m => m.Attributes.MpUnreach!.Withdrawn).Should().Equal(input);
    }

    [Fact]
    public void WriteAnnouncements_Empty_WritesNothing()
    {
        var writer = new ArrayBufferWriter<byte>();

        UpdatePacker.WriteAnnouncements(writer, Shared, [], BgpCodecContext.Default).Should().Be(0);
        UpdatePacker.WriteWithdrawals(writer, [], BgpCodecContext.Default).Should().Be(0);

        writer.WrittenCount.Should().Be(0);
    }

    [Fact]
    public void WriteAnnouncements_MixedFamilies_Throws()
    {
        var writer = new ArrayBufferWriter<byte>();

        var act = () => UpdatePacker.WriteAnnouncements(writer, Shared, [Prefix.Parse("10.0.0.0/8"), Prefix.Parse("fd00::/8")], BgpCodecContext.Default);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void WriteAnnouncements_Ipv4WithoutNextHop_Throws()
    {
        var writer = new ArrayBufferWriter<byte>();

        var act = () => UpdatePacker.WriteAnnouncements(writer, Shared with { NextHop = null }, Slash24s(1), BgpCodecContext.Default);

        act.Should().Throw<ArgumentException>();
    }
}
