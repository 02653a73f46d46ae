using System.Net;
using Mesh.Grpc.Connection;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Channel;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcChannelOptionsTests
{
    private static readonly Uri Address = new("https://cluster2.mesh.cilium.io:2379");

    [Fact]
    public void Validate_HostWithoutAddresses_ReportsEveryBadEntry()
    {
        var options = new GrpcChannelOptions
        {
            Address = Address,
            HostAddresses = new Dictionary<string, IReadOnlyList<IPAddress>> { ["cluster2.mesh.cilium.io"] = [], [" "] = [IPAddress.Loopback] },
        };

        options.Validate().Should().BeEquivalentTo("host addresses: 'cluster2.mesh.cilium.io' has no address", "host addresses: a host name is empty");
        var act = () => new GrpcChannel(options);
        act.Should().Throw<ArgumentException>().WithMessage("*'cluster2.mesh.cilium.io' has no address*");
    }

    [Fact]
    public void CreateHandler_HostAddresses_DialsThroughTheConnectorWithATimeoutPerAddressPlusHandshake()
    {
        var options = new GrpcChannelOptions
        {
            Address = Address,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            HostAddresses = new Dictionary<string, IReadOnlyList<IPAddress>>
            {
                ["cluster2.mesh.cilium.io"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), IPAddress.Parse("fd00::1")],
            },
        };

        using var handler = GrpcChannel.CreateHandler(options);

        handler.ConnectCallback.Should().NotBeNull();
        handler.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void CreateHandler_NoHostAddresses_DefaultDialer()
    {
        using var handler = GrpcChannel.CreateHandler(new GrpcChannelOptions { Address = Address, ConnectTimeout = TimeSpan.FromSeconds(2) });

        handler.ConnectCallback.Should().BeNull();
        handler.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void AddressesOf_HostNameInAnyCase_AliasedAddressesInOrder()
    {
        var connector = new StaticHostConnector(
            new Dictionary<string, IReadOnlyList<IPAddress>> { ["Cluster2.Mesh.Cilium.IO"] = [IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1")] },
            TimeSpan.FromSeconds(1));

        connector.AddressesOf("cluster2.mesh.cilium.io").Should().Equal(IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1"));
        connector.AddressesOf("cluster3.mesh.cilium.io").Should().BeEmpty();
        connector.MaxAttempts.Should().Be(2);
    }
}
