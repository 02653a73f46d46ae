using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class OpenMessageTests
{
    private static readonly OpenMessage Peer = OpenMessage.Create(65000, 30, 0x0A000001,
        new MultiprotocolCapability(AfiSafi.IPv4Unicast), new RouteRefreshCapability());

    [Fact]
    public void Create_TwoOctetAsn_KeepsItInMyAsAndAddsTheCapability()
    {
        var open = OpenMessage.Create(65001, 90, 1);

        open.MyAs.Should().Be(65001);
        open.Asn.Should().Be(65001);
        open.Find<FourOctetAsnCapability>().Should().Be(new FourOctetAsnCapability(65001));
    }

    [Fact]
    public void Asn_WithoutFourOctetCapability_IsMyAs()
    {
        new OpenMessage(4, 65010, 90, 1, default).Asn.Should().Be(65010);
    }

    [Fact]
    public void TryValidate_MatchingPeer_Succeeds()
    {
        var expected = new OpenExpectations(65001, 0x0A000102, PeerAsn: 65000) { RequiredCapabilities = new BgpCapability[] { new MultiprotocolCapability(AfiSafi.IPv4Unicast) } };

        OpenMessageValidator.TryValidate(Peer, expected, out var error).Should().BeTrue();
        error.Should().BeNull();
    }

    [Fact]
    public void TryValidate_PeerAsZeroConfigured_AcceptsAnyAs()
    {
        OpenMessageValidator.TryValidate(Peer, new OpenExpectations(65001, 0x0A000102), out _).Should().BeTrue();
    }

    [Fact]
    public void TryValidate_UnexpectedPeerAs_IsBadPeerAs()
    {
        OpenMessageValidator.TryValidate(Peer, new OpenExpectations(65001, 0x0A000102, PeerAsn: 65002), out var error).Should().BeFalse();

        error!.Code.Should().Be(BgpErrorCode.OpenMessageError);
        error.Subcode.Should().Be((byte)OpenMessageError.BadPeerAs);
    }

    [Fact]
    public void TryValidate_InternalPeerWithOurIdentifier_IsBadBgpIdentifier()
    {
        OpenMessageValidator.TryValidate(Peer, new OpenExpectations(65000, 0x0A000001), out var error).Should().BeFalse();

        error!.Subcode.Should().Be((byte)OpenMessageError.BadBgpIdentifier);
    }

    [Fact]
    public void TryValidate_ExternalPeerWithOurIdentifier_IsAccepted()
    {
        OpenMessageValidator.TryValidate(Peer, new OpenExpectations(65001, 0x0A000001), out _).Should().BeTrue();
    }

    [Fact]
    public void TryValidate_MissingRequiredCapabilities_IsUnsupportedCapabilityListingThem()
    {
        var expected = new OpenExpectations(65001, 2)
        {
            RequiredCapabilities = new BgpCapability[] { new MultiprotocolCapability(AfiSafi.IPv6Unicast), new RouteRefreshCapability(), new ExtendedMessageCapability() },
        };

        OpenMessageValidator.TryValidate(Peer, expected, out var error).Should().BeFalse();

        error!.Subcode.Should().Be((byte)OpenMessageError.UnsupportedCapability);
        error.Action.Should().Be(BgpErrorAction.SessionReset);
        Convert.ToHexString(error.Data.AsSpan()).Should().Be("0104" + "00020001" + "0600");
    }

    [Fact]
    public void Negotiate_BothOfferFourOctetOnlyOneExtended_EnablesOnlyFourOctet()
    {
        var local = OpenMessage.Create(65001, 30, 1, new ExtendedMessageCapability());

        var context = BgpCodecContext.Negotiate(local, Peer);

        context.Should().Be(new BgpCodecContext(FourOctetAsn: true, ExtendedMessage: false, Ibgp: false));
        context.MaxMessageLength.Should().Be(4096);
    }

    [Fact]
    public void Negotiate_OldSpeakerSameAs_IsTwoOctetInternal()
    {
        var local = OpenMessage.Create(65000, 30, 1, new ExtendedMessageCapability());
        var oldPeer = new OpenMessage(4, 65000, 30, 2, new BgpCapability[] { new ExtendedMessageCapability() });

        var context = BgpCodecContext.Negotiate(local, oldPeer);

        context.Should().Be(new BgpCodecContext(FourOctetAsn: false, ExtendedMessage: true, Ibgp: true));
        context.MaxMessageLength.Should().Be(65535);
    }

    [Fact]
    public void Supports_AnnouncedAndImpliedFamilies_AreReported()
    {
        Peer.Supports(AfiSafi.IPv4Unicast).Should().BeTrue();
        Peer.Supports(AfiSafi.IPv6Unicast).Should().BeFalse();
        new OpenMessage(4, 65000, 30, 2, default).Supports(AfiSafi.IPv4Unicast).Should().BeTrue("IPv4 unicast is implied without MP capabilities");
        OpenMessage.Create(65000, 30, 2, new MultiprotocolCapability(AfiSafi.IPv6Unicast)).Supports(AfiSafi.IPv4Unicast).Should().BeFalse();
    }
}
