using System.Net;
using System.Net.Sockets;
using Mesh.Testing;
using Mesh.Testing.Netns;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bgp.Speaker.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class NamespaceSocketsTests
{
    [NetnsFact]
    public async Task Create_InTestNamespace_BindsAddressThatOnlyExistsThere()
    {
        await using var ns = await NetworkNamespace.CreateAsync("sock");
        await ns.IpAsync("addr", "add", "192.0.2.10/32", "dev", "lo");

        using var socket = NamespaceSockets.Create(ns.Name, AddressFamily.InterNetwork);
        socket.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 0));

        ((IPEndPoint)socket.LocalEndPoint!).Address.Should().Be(IPAddress.Parse("192.0.2.10"));
        using var outside = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        outside.Invoking(s => s.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 0))).Should().Throw<SocketException>();
    }
}
