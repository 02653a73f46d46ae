using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Mesh.Bpf.Maps;
using Mesh.Policy;
using Mesh.Policy.Maps;
using Mesh.Policy.Verdict;
using Mesh.Testing;
using Mesh.Testing.Prerequisites;
using Mesh.Testing.Processes;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// The spec's vectors V1–V10 (§5) through the agent into pinned KERNEL maps: bpftool, an independent reader, dumps
/// <c>cilium_policy_v2_00042</c> and its bytes equal the engine's expected map encoded here by hand after spec §3.7
/// (not through the agent's layout code); the spec's verdicts are then evaluated (§4) on the map decoded from those
/// bytes. Each test pins under its own directory in /sys/fs/bpf, always deleted.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync, which xunit calls.
public sealed class PolicyKernelVectorTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _pins = Path.Combine("/sys/fs/bpf", $"mesh-policy-vectors-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_pins))
        {
            Directory.Delete(_pins, recursive: true);
        }
        return Task.CompletedTask;
    }

    public static TheoryData<string, string?, bool, (TrafficDirection, uint, byte, ushort, bool)[]> Vectors => PolicyAgentTests.Vectors;

    [BpftoolTheory]
    [MemberData(nameof(Vectors))]
    public async Task Vector_KernelMapBytesEqualSpecLayout_VerdictsOnReadBackMatchSpec(string name, string? policy, bool defaultLocalCluster, (TrafficDirection, uint, byte, ushort, bool)[] checks)
    {
        await using var fixture = new PolicyAgentFixture(defaultLocalCluster);
        fixture.WritePolicies("policy", policy);
        var expected = policy is null ? fixture.Expected() : fixture.Expected(policy);
        using (var maps = BpfMapStores.Kernel(_pins))
        {
            fixture.Start(maps);
            await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), expected), Patience);
            await fixture.StopAsync();
        }

        var dumped = await DumpAsync($"cilium_policy_v2_{PolicyAgentFixture.Backend:D5}");

        expected.Values.Should().OnlyContain(e => e.Precedence == (e.Deny ? 0xFFFFFFFFu : 0xFFFFFF01u), "CNP/CCNP/KNP rules have priority 0 (spec §3.3)");
        var want = expected.Select(e => Hex(EncodeKey(e.Key)) + " => " + Hex(EncodeEntry(e.Key, e.Value))).Order(StringComparer.Ordinal);
        var got = dumped.Select(e => Hex(e.Key) + " => " + Hex(e.Value)).Order(StringComparer.Ordinal);
        got.Should().Equal(want, "{0}: the pinned map holds exactly the engine's entries in the layout of spec §3.7", name);

        var readBack = dumped.ToDictionary(e => DecodeKey(e.Key), e => DecodeEntry(e.Value));
        foreach (var (direction, identity, protocol, port, allow) in checks)
        {
            DatapathVerdict.Evaluate(readBack, direction, identity, protocol, port).Allowed.Should()
                .Be(allow, "{0}: {1} {2} proto {3} port {4} on the map read back from the kernel", name, direction, identity, protocol, port);
        }
    }

    [SkippableFact]
    public async Task V5_PortRangeKey_SpecBytes()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingBpf ?? Prerequisite.MissingExecutables("bpftool"));
        await using var fixture = new PolicyAgentFixture();
        var policy = PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '8080', endPort: 8095, protocol: TCP}]}]}]}");
        fixture.WritePolicies("policy", policy);
        var expected = fixture.Expected(policy);
        using (var maps = BpfMapStores.Kernel(_pins))
        {
            fixture.Start(maps);
            await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), expected), Patience);
            await fixture.StopAsync();
        }

        var dumped = await DumpAsync($"cilium_policy_v2_{PolicyAgentFixture.Backend:D5}");

        // Spec V5: (65600,in,6,8080/12)=A; BPF key prefixlen 60 (0x3c), entry lpm_prefix_length 20 (20 << 3 = 0xa0).
        // struct policy_key: prefixlen | sec_label 65600 | ingress | TCP | be16 8080 (0x1f90).
        var key = FromHex("3c000000 40000100 00 06 1f90");
        // struct policy_entry: proxy port 0 | allow, lpm_prefix_length 20 | no auth | precedence 0xFFFFFF01 | cookie 0.
        var value = FromHex("0000 a0 00 01ffffff 00000000");
        dumped.Should().Contain(e => e.Key.SequenceEqual(key) && e.Value.SequenceEqual(value));
        // And the egress allow-all key of the unenforced direction: prefixlen 40, identity 0, egress.
        dumped.Should().Contain(e => e.Key.SequenceEqual(FromHex("28000000 00000000 01 00 0000")) && e.Value.SequenceEqual(FromHex("0000 00 00 01ffffff 00000000")));
    }

    /// <summary>struct policy_key (12 B): u32 lpm_prefixlen | u32 sec_label | u8 egress:1 | u8 protocol | be16 dport.</summary>
    private static byte[] EncodeKey(PolicyMapKey key)
    {
        var bytes = new byte[12];
        var portBits = key.Protocol == 0 ? 0 : key.PortPrefixLength;
        var prefix = 40 + (key.Protocol != 0 ? 8 : 0) + (key.Port != 0 ? portBits : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), key.Identity);
        bytes[8] = key.Direction == TrafficDirection.Egress ? (byte)1 : (byte)0;
        bytes[9] = key.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(10), key.Port);
        return bytes;
    }

    /// <summary>struct policy_entry (12 B): be16 proxy_port | u8 deny:1,reserved:2,lpm_prefix_length:5 | u8 auth | u32 precedence | u32 cookie.</summary>
    private static byte[] EncodeEntry(PolicyMapKey key, PolicyMapEntry entry)
    {
        var bytes = new byte[12];
        var lpm = EncodeKey(key) is var k ? (int)BinaryPrimitives.ReadUInt32LittleEndian(k) - 40 : 0;
        BinaryPrimitives.WriteUInt16BigEndian(bytes, entry.ProxyPort);
        bytes[2] = (byte)((entry.Deny ? 1 : 0) | (lpm << 3));
        bytes[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), entry.Precedence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), entry.Cookie);
        return bytes;
    }

    private static PolicyMapKey DecodeKey(byte[] bytes)
    {
        var prefix = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var protocol = bytes[9];
        var portBits = protocol == 0 ? 0 : prefix - 48;
        return new PolicyMapKey(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)),
            (bytes[8] & 1) != 0 ? TrafficDirection.Egress : TrafficDirection.Ingress,
            protocol,
            BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10)),
            portBits);
    }

    private static PolicyMapEntry DecodeEntry(byte[] bytes) =>
        new((bytes[2] & 1) != 0, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)), (byte)(bytes[2] >> 3), BinaryPrimitives.ReadUInt16BigEndian(bytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));

    private async Task<List<(byte[] Key, byte[] Value)>> DumpAsync(string map)
    {
        var result = await ProcessRunner.RunCheckedAsync("bpftool", "map", "dump", "pinned", Path.Combine(_pins, map), "-j");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(e => (Bytes(e.GetProperty("key")), Bytes(e.GetProperty("value"))))];
    }

    private static byte[] Bytes(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => byte.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    private static byte[] FromHex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));
}
