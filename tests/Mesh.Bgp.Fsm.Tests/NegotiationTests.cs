using Mesh.Bgp.Fsm.Negotiation;
using Mesh.Testing;

namespace Mesh.Bgp.Fsm.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class NegotiationTests
{
    [Theory]
    [InlineData(90, 180, 90)]
    [InlineData(180, 90, 90)]
    [InlineData(0, 90, 0)]
    [InlineData(3, 3, 3)]
    public void Negotiate_TwoProposals_TakesSmaller(int local, int remote, int expected) =>
        HoldTimeNegotiation.Negotiate((ushort)local, (ushort)remote).Should().Be((ushort)expected);

    [Theory]
    [InlineData(90, 30)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(0, 0)]
    public void KeepaliveInterval_HoldTime_IsOneThird(int hold, int seconds) =>
        HoldTimeNegotiation.KeepaliveInterval((ushort)hold).Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData(0x0A000002u, 0x0A000001u, true)]
    [InlineData(0x0A000001u, 0x0A000002u, false)]
    // Unsigned comparison: 200.0.0.1 is higher than 10.0.0.1.
    [InlineData(0xC8000001u, 0x0A000001u, true)]
    public void KeepLocallyInitiated_ByIdentifier_HigherIdentifiersConnectionSurvives(uint local, uint remote, bool keepLocal)
    {
        CollisionDetection.KeepLocallyInitiated(local, remote).Should().Be(keepLocal);
        CollisionDetection.ShouldClose(locallyInitiated: true, local, remote).Should().Be(!keepLocal);
        CollisionDetection.ShouldClose(locallyInitiated: false, local, remote).Should().Be(keepLocal);
    }
}
