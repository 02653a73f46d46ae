using Mesh.Testing.Netns;
using Mesh.Testing.Prerequisites;

namespace Mesh.Testing.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class NetworkNamespaceTests
{
    [NetnsFact]
    public async Task ConnectAsync_VethPairWithAddresses_PingsAcrossIPv4AndIPv6()
    {
        await using var left = await NetworkNamespace.CreateAsync("left");
        await using var right = await NetworkNamespace.CreateAsync("right");
        await left.ConnectAsync("eth-r", right, "eth-l");
        await left.AddAddressAsync("eth-r", "192.0.2.1/30");
        await right.AddAddressAsync("eth-l", "192.0.2.2/30");
        await left.AddAddressAsync("eth-r", "2001:db8::1/64");
        await right.AddAddressAsync("eth-l", "2001:db8::2/64");

        var v4 = await left.ExecAsync("ping", "-c", "1", "-W", "2", "192.0.2.2");
        var v6 = await left.ExecAsync("ping", "-6", "-c", "1", "-W", "2", "2001:db8::2");

        v4.Succeeded.Should().BeTrue(v4.StandardOutput + v4.StandardError);
        v6.Succeeded.Should().BeTrue(v6.StandardOutput + v6.StandardError);
    }

    [NetnsFact]
    public async Task DisposeAsync_AfterFailureInsideTest_DeletesNamespaceAndKillsProcesses()
    {
        string name;
        int pid;
        var act = async () =>
        {
            await using var ns = await NetworkNamespace.CreateAsync("failing");
            name = ns.Name;
            var sleeper = ns.StartProcess("sleep", "600");
            pid = sleeper.Id;
            throw new InvalidOperationException("test body failed");
        };
        name = string.Empty;
        pid = 0;

        await act.Should().ThrowAsync<InvalidOperationException>();

        name.Should().StartWith("mt-");
        (await NetworkNamespace.ExistsAsync(name)).Should().BeFalse();
        Processes.Signals.IsAlive(pid).Should().BeFalse();
    }

    [NetnsFact]
    public async Task AddRouteAsync_ThroughRouterNamespace_ReachesFarSide()
    {
        await using var a = await NetworkNamespace.CreateAsync("a");
        await using var router = await NetworkNamespace.CreateAsync("router");
        await using var b = await NetworkNamespace.CreateAsync("b");
        await a.ConnectAsync("eth0", router, "eth-a");
        await b.ConnectAsync("eth0", router, "eth-b");
        await a.AddAddressAsync("eth0", "198.51.100.2/30");
        await router.AddAddressAsync("eth-a", "198.51.100.1/30");
        await b.AddAddressAsync("eth0", "198.51.100.6/30");
        await router.AddAddressAsync("eth-b", "198.51.100.5/30");
        await router.ExecCheckedAsync("sysctl", "-qw", "net.ipv4.ip_forward=1");
        await a.AddRouteAsync("198.51.100.4/30", "198.51.100.1");
        await b.AddRouteAsync("198.51.100.0/30", "198.51.100.5");

        var ping = await a.ExecAsync("ping", "-c", "1", "-W", "2", "198.51.100.6");

        ping.Succeeded.Should().BeTrue(ping.StandardOutput + ping.StandardError);
    }
}
