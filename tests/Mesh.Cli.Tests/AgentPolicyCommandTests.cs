using System.Text.Json.Nodes;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Testing;

namespace Mesh.Cli.Tests;

/// <summary><c>mesh agent policy get/verdict</c> on a programmed userspace policy map (spec V7: L3 allow of 65600, L4 deny of TCP/22).</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class AgentPolicyCommandTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mesh-cli-policy-").FullName;

    public AgentPolicyCommandTests()
    {
        using var store = BpfMapStores.Userspace(_state);
        using var map = store.Open(CiliumMaps.Policy(42));
        Span<byte> key = stackalloc byte[PolicyKey.ByteSize];
        Span<byte> value = stackalloc byte[PolicyEntry.ByteSize];
        foreach (var (k, deny) in new[] { (new PolicyKey(65600, false, 0, 0, 0), false), (new PolicyKey(0, false, 6, 22, 16), true), (new PolicyKey(0, true, 0, 0, 0), false) })
        {
            k.Write(key);
            (deny ? PolicyEntry.DenyFor(k) : PolicyEntry.AllowFor(k)).Write(value);
            map.Update(key, value);
        }
        store.Flush();
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Theory]
    [InlineData("80", "ALLOW", "(65600, ingress, 0, 0/0) = allow")]
    [InlineData("22", "DROP", "(0, ingress, 6, 22/16) = deny")]
    public async Task Verdict_ProgrammedMap_DecisionAndDecidingEntry(string port, string verdict, string entry)
    {
        var (code, output, _) = await RunAsync("agent", "policy", "verdict", "--endpoint", "42", "--direction", "ingress", "--identity", "65600", "--protocol", "tcp", "--port", port, "--bpf-state-dir", _state);

        code.Should().Be(0);
        output.Should().StartWith(verdict).And.Contain(entry);
    }

    [Fact]
    public async Task Verdict_UnknownPeer_DropNoEntry()
    {
        var (code, output, _) = await RunAsync("agent", "policy", "verdict", "--endpoint", "42", "--direction", "ingress", "--identity", "2", "--protocol", "udp", "--port", "53", "--bpf-state-dir", _state);

        code.Should().Be(0);
        output.Should().StartWith("DROP").And.Contain("no entry matched");
    }

    [Fact]
    public async Task Verdict_BadFlags_EachNamed()
    {
        var (code, _, error) = await RunAsync("agent", "policy", "verdict", "--endpoint", "0", "--direction", "sideways", "--identity", "x", "--protocol", "icmp", "--port", "70000", "--bpf-state-dir", _state);

        code.Should().Be(MeshCommandLine.UsageError);
        error.Should().Contain("--endpoint '0'").And.Contain("--direction 'sideways'").And.Contain("--identity 'x'").And.Contain("--protocol 'icmp'").And.Contain("--port '70000'");
    }

    [Fact]
    public async Task Get_Json_EntriesWithReservedLabelsWhenAgentUnreachable()
    {
        var (code, output, _) = await RunAsync("agent", "policy", "get", "--endpoint", "42", "--bpf-state-dir", _state, "--agent", "http://127.0.0.1:1", "-o", "json");

        code.Should().Be(0);
        var entries = JsonNode.Parse(output)!.AsArray();
        entries.Should().HaveCount(3);
        var deny = entries.Single(e => e!["verdict"]!.GetValue<string>() == "deny")!;
        deny["identity"]!.GetValue<uint>().Should().Be(0);
        deny["labels"]!.GetValue<string>().Should().Be("ANY");
        deny["protocol"]!.GetValue<int>().Should().Be(6);
        deny["port"]!.GetValue<int>().Should().Be(22);
        deny["port-prefix"]!.GetValue<int>().Should().Be(16);
        entries.Should().Contain(e => e!["identity"]!.GetValue<uint>() == 65600 && e["direction"]!.GetValue<string>() == "ingress" && e["verdict"]!.GetValue<string>() == "allow");
    }

    [Fact]
    public async Task Get_UnknownEndpoint_ErrorNamesIt()
    {
        var (code, _, error) = await RunAsync("agent", "policy", "get", "--endpoint", "9", "--bpf-state-dir", _state, "--agent", "http://127.0.0.1:1");

        code.Should().Be(1);
        error.Should().Contain("endpoint 9 has no policy map");
    }

    [Fact]
    public async Task Get_NoLocation_UsageError()
    {
        var (code, _, error) = await RunAsync("agent", "policy", "get", "--endpoint", "42");

        code.Should().Be(MeshCommandLine.UsageError);
        error.Should().Contain("--node-name, --bpf-root or --bpf-state-dir");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
