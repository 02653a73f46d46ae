using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Testing;
using static Mesh.Bgp.Codec.Tests.Wire;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>RFC 6793 §4.2.3: reconstructing the 4-octet path on a session with a 2-octet-only peer.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class As4PathTests
{
    private static readonly byte[] Origin = Attribute(0x40, 1, 0);
    private static readonly byte[] NextHop = Attribute(0x40, 3, 10, 0, 2, 2);
    private static readonly byte[] Nlri = [24, 10, 245, 1];

    private static PathAttributes Decode(params byte[][] attributes)
    {
        var input = Update([], Concat([Origin, NextHop, .. attributes]), Nlri);
        BgpMessageCodec.TryDecode(input, BgpCodecContext.Initial, out var message, out var error).Should().BeTrue();
        error.Should().BeNull();
        return ((UpdateMessage)message!).Attributes;
    }

    [Fact]
    public void Decode_OldSpeakerPrependedToAs4Path_KeepsItsLeadingAsAndTheFourOctetTail()
    {
        // A 2-octet speaker (65010) prepended itself to AS_PATH only: AS_PATH [65010 23456 65000], AS4_PATH [4200000002 65000].
        var attributes = Decode(
            Attribute(0x40, 2, 2, 3, 0xFD, 0xF2, 0x5B, 0xA0, 0xFD, 0xE8),
            Attribute(0xC0, 17, 2, 2, 0xFA, 0x56, 0xEA, 0x02, 0, 0, 0xFD, 0xE8));

        attributes.AsPath.Should().Be(new AsPath(new[]
        {
            new AsPathSegment(AsPathSegmentType.AsSequence, new uint[] { 65010 }),
            new AsPathSegment(AsPathSegmentType.AsSequence, new uint[] { 4200000002, 65000 }),
        }));
        attributes.AsPath!.PathLength.Should().Be(3);
    }

    [Fact]
    public void Decode_As4PathLongerThanAsPath_IsIgnored()
    {
        var attributes = Decode(
            Attribute(0x40, 2, 2, 1, 0x5B, 0xA0),
            Attribute(0xC0, 17, 2, 2, 0xFA, 0x56, 0xEA, 0x02, 0, 0, 0xFD, 0xE8));

        attributes.AsPath.Should().Be(AsPath.Sequence(23456));
    }

    [Fact]
    public void Decode_AggregatorAsTransWithAs4Aggregator_UsesTheFourOctetAggregator()
    {
        var attributes = Decode(
            Attribute(0x40, 2, 2, 1, 0x5B, 0xA0),
            Attribute(0xC0, 7, 0x5B, 0xA0, 10, 0, 2, 2),
            Attribute(0xC0, 17, 2, 1, 0xFA, 0x56, 0xEA, 0x02),
            Attribute(0xC0, 18, 0xFA, 0x56, 0xEA, 0x02, 10, 0, 2, 2));

        attributes.Aggregator.Should().Be(new Aggregator(4200000002, IPAddress.Parse("10.0.2.2")));
        attributes.AsPath.Should().Be(AsPath.Sequence(4200000002));
    }

    [Fact]
    public void Decode_AggregatorNotAsTrans_IgnoresAs4AggregatorAndAs4Path()
    {
        // A 2-octet speaker aggregated after the AS4 attributes were added: both are stale (RFC 6793 §4.2.3).
        var attributes = Decode(
            Attribute(0x40, 2, 2, 1, 0xFD, 0xF2),
            Attribute(0xC0, 7, 0xFD, 0xF2, 10, 0, 2, 3),
            Attribute(0xC0, 17, 2, 1, 0xFA, 0x56, 0xEA, 0x02),
            Attribute(0xC0, 18, 0xFA, 0x56, 0xEA, 0x02, 10, 0, 2, 2));

        attributes.Aggregator.Should().Be(new Aggregator(65010, IPAddress.Parse("10.0.2.3")));
        attributes.AsPath.Should().Be(AsPath.Sequence(65010));
    }

    [Fact]
    public void Decode_As4AttributesOnFourOctetSession_AreDiscarded()
    {
        var input = Update([], Concat(Origin, NextHop,
            Attribute(0x40, 2, 2, 1, 0, 0, 0xFD, 0xE9),
            Attribute(0xC0, 17, 2, 1, 0xFA, 0x56, 0xEA, 0x02)), Nlri);

        BgpMessageCodec.TryDecode(input, BgpCodecContext.Default, out var message, out var error).Should().BeTrue();

        error.Should().BeNull();
        ((UpdateMessage)message!).Attributes.AsPath.Should().Be(AsPath.Sequence(65001));
        ((UpdateMessage)message).Attributes.Unknown.Should().BeEmpty();
    }

    [Fact]
    public void Decode_AsSetInAsPath_CountsAsOneWhenMerging()
    {
        // AS_PATH [65010 {65020 65030} 23456] has length 3; AS4_PATH [{65020 65030} 4200000002] has length 2.
        var attributes = Decode(
            Attribute(0x40, 2, 2, 1, 0xFD, 0xF2, 1, 2, 0xFD, 0xFC, 0xFE, 0x06, 2, 1, 0x5B, 0xA0),
            Attribute(0xC0, 17, 1, 2, 0, 0, 0xFD, 0xFC, 0, 0, 0xFE, 0x06, 2, 1, 0xFA, 0x56, 0xEA, 0x02));

        attributes.AsPath!.ToString().Should().Be("65010 {65020,65030} 4200000002");
    }
}
