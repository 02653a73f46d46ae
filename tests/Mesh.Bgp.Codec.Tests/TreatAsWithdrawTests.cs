using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Testing;
using static Mesh.Bgp.Codec.Tests.Wire;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>RFC 7606 §2: an UPDATE handled as treat-as-withdraw must still yield every prefix it named.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TreatAsWithdrawTests
{
    [Fact]
    public void TryDecode_MalformedCommunitiesWithIpv4AndIpv6Routes_WithdrawsEveryPrefix()
    {
        var reach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00::2"), null, new[] { Prefix.Parse("fd00:244:1::/64") });
        var valid = new UpdateMessage(
            new[] { Prefix.Parse("10.9.0.0/16") },
            new PathAttributes { Origin = Origin.Igp, AsPath = AsPath.Sequence(65001), NextHop = IPAddress.Parse("10.0.1.2"), MpReach = reach },
            new[] { Prefix.Parse("10.244.1.0/24"), Prefix.Parse("10.244.2.0/24") });
        var bytes = BgpMessageCodec.ToArray(valid, BgpCodecContext.Default);

        // Append a 3-octet COMMUNITIES attribute: length not a multiple of 4 (RFC 7606 §7.8).
        var withdrawnLength = 2 + 3;
        var attributesLengthOffset = 19 + withdrawnLength;
        var attributesLength = (bytes[attributesLengthOffset] << 8) | bytes[attributesLengthOffset + 1];
        var attributesEnd = attributesLengthOffset + 2 + attributesLength;
        var malformed = Concat(bytes[19..attributesLengthOffset], U16(attributesLength + 6), bytes[(attributesLengthOffset + 2)..attributesEnd], Attribute(0xC0, 8, 1, 2, 3), bytes[attributesEnd..]);
        var input = Message(2, malformed);

        BgpMessageCodec.TryDecode(input, BgpCodecContext.Default, out var message, out var error).Should().BeTrue();

        error!.Action.Should().Be(BgpErrorAction.TreatAsWithdraw);
        error.Subcode.Should().Be((byte)UpdateMessageError.AttributeLengthError);
        var update = (UpdateMessage)message!;
        update.Withdrawn.Should().BeEquivalentTo(new[] { Prefix.Parse("10.9.0.0/16"), Prefix.Parse("10.244.1.0/24"), Prefix.Parse("10.244.2.0/24") });
        update.Nlri.Should().BeEmpty();
        update.Attributes.Should().Be(new PathAttributes { MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, new[] { Prefix.Parse("fd00:244:1::/64") }) });
        update.Announced.Should().BeEmpty();
        update.AllWithdrawn.Should().HaveCount(4);
    }

    [Fact]
    public void TryDecode_MissingNextHopWithMpUnreach_WithdrawsBothFamilies()
    {
        var attributes = Concat(
            Attribute(0x80, 15, Concat([0, 2, 1], [48, 0xFD, 0, 0, 9, 0, 0])),
            Attribute(0x40, 1, 0),
            Attribute(0x40, 2));
        var input = Update([], attributes, [24, 10, 244, 1]);

        BgpMessageCodec.TryDecode(input, BgpCodecContext.Default, out var message, out var error).Should().BeTrue();

        error!.Subcode.Should().Be((byte)UpdateMessageError.MissingWellKnownAttribute);
        var update = (UpdateMessage)message!;
        update.Withdrawn.Should().Equal(Prefix.Parse("10.244.1.0/24"));
        update.Attributes.MpUnreach!.Withdrawn.Should().Equal(Prefix.Parse("fd00:9::/48"));
        update.Attributes.Origin.Should().BeNull();
    }
}
