using System.Net;
using Mesh.Testing;

namespace Mesh.KvStore.Etcd.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EtcdClientOptionsTests
{
    [Fact]
    public void Validate_Defaults_ReportsMissingEndpoint()
    {
        new EtcdClientOptions().Validate().Should().Equal("at least one endpoint is required");
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = new EtcdClientOptions
        {
            Endpoints = ["ftp://x:1", "127.0.0.1"],
            CertFile = "c.pem",
            Username = "u",
            DialTimeout = TimeSpan.Zero,
            Qps = -1,
            MaxInflight = -2,
        };

        var errors = options.Validate();

        errors.Should().HaveCount(7);
        errors.Should().Contain(e => e.Contains("'ftp://x:1'"));
        errors.Should().Contain(e => e.Contains("'127.0.0.1'"));
        errors.Should().Contain(e => e.Contains("certificate and key"));
        errors.Should().Contain(e => e.Contains("username and password"));
        errors.Should().Contain(e => e.Contains("DialTimeout"));
        errors.Should().Contain(e => e.Contains("qps"));
        errors.Should().Contain(e => e.Contains("in-flight"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:2379", false, "http://127.0.0.1:2379/")]
    [InlineData("127.0.0.1:2379", false, "http://127.0.0.1:2379/")]
    [InlineData("127.0.0.1:2379", true, "https://127.0.0.1:2379/")]
    [InlineData("https://etcd:2379", false, "https://etcd:2379/")]
    public void TryParseEndpoint_Forms_ResolveScheme(string endpoint, bool tls, string expected)
    {
        EtcdClientOptions.TryParseEndpoint(endpoint, tls, out var uri).Should().BeTrue();
        uri.ToString().Should().Be(expected);
    }

    [Fact]
    public void Validate_HostAliasWithoutIps_Reported()
    {
        var options = new EtcdClientOptions
        {
            Endpoints = ["https://cluster2.mesh.cilium.io:2379"],
            HostAliases = new Dictionary<string, IReadOnlyList<IPAddress>> { ["cluster2.mesh.cilium.io"] = [] },
        };

        options.Validate().Should().Equal("host alias 'cluster2.mesh.cilium.io' has no IP address");
    }

    [Fact]
    public void ChannelOptions_HostAliases_AddressKeepsTheHostNameAndAliasesBecomeStaticAddresses()
    {
        IReadOnlyList<IPAddress> ips = [IPAddress.Parse("172.18.0.5"), IPAddress.Parse("fd00::5")];
        var options = new EtcdClientOptions
        {
            Endpoints = ["https://cluster2.mesh.cilium.io:2379"],
            HostAliases = new Dictionary<string, IReadOnlyList<IPAddress>> { ["cluster2.mesh.cilium.io"] = ips },
            DialTimeout = TimeSpan.FromSeconds(3),
        };
        EtcdClientOptions.TryParseEndpoint(options.Endpoints[0], tls: false, out var address).Should().BeTrue();

        var channel = EtcdClientFactory.ChannelOptions(options, address, certificate: null, roots: null, TimeProvider.System);

        channel.Address.Should().Be(new Uri("https://cluster2.mesh.cilium.io:2379/"));
        channel.HostAddresses.Should().ContainSingle().Which.Should().Match<KeyValuePair<string, IReadOnlyList<IPAddress>>>(
            a => a.Key == "cluster2.mesh.cilium.io" && a.Value.SequenceEqual(ips));
        channel.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void ChannelOptions_NoHostAliases_ResolvedThroughDns()
    {
        var options = new EtcdClientOptions { Endpoints = ["https://etcd:2379"] };
        EtcdClientOptions.TryParseEndpoint(options.Endpoints[0], tls: false, out var address).Should().BeTrue();

        EtcdClientFactory.ChannelOptions(options, address, certificate: null, roots: null, TimeProvider.System).HostAddresses.Should().BeNull();
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsWithAllReasons()
    {
        var act = () => EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = [], MaxRetryAttempts = -1 });

        act.Should().Throw<ArgumentException>().WithMessage("*at least one endpoint*max retry attempts*");
    }
}
