using System.Net;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;

namespace Mesh.Bgp.Speaker.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PeerConfigTests
{
    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var config = new PeerConfig(IPAddress.Parse("10.0.1.1"), 0, 0, IPAddress.Parse("fd00::1")) { HoldTime = 2, Port = 0, Families = [], EbgpMultihop = 0 };

        config.Validate().Should().HaveCount(6);
    }

    [Fact]
    public void Validate_RemoteAsnZero_AcceptedAsLearnFromOpen()
    {
        new PeerConfig(IPAddress.Parse("10.0.1.1"), 0, 65001, IPAddress.Parse("10.0.1.2")).Validate().Should().BeEmpty();
    }

    [Fact]
    public void Validate_Defaults_AreValid() =>
        new PeerConfig(IPAddress.Parse("10.0.1.1"), 65000, 65001, IPAddress.Parse("10.0.1.2")).Validate().Should().BeEmpty();

    [Fact]
    public async Task AddPeerAsync_InvalidConfig_ThrowsNamingThePeerAndField()
    {
        await using var speaker = new BgpSpeaker(new SpeakerOptions { ListenEndPoints = [] });
        var config = new PeerConfig(IPAddress.Parse("10.0.1.1"), 65000, 65001, IPAddress.Parse("10.0.1.2")) { HoldTime = 1 };

        var add = () => speaker.AddPeerAsync(config, CancellationToken.None);

        (await add.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("10.0.1.1").And.Contain("HoldTime");
        speaker.Peers.Should().BeEmpty();
    }
}
