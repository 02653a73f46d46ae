using System.Globalization;
using System.Text.Json;
using Mesh.Bpf.Maps;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.Policy;
using Mesh.Policy.Maps;
using Mesh.Policy.Verdict;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Mesh.Testing.Processes;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// Cluster A exports its identities into a real etcd; cluster B's agent follows them and programs endpoint 7's
/// policy map, whose CNP selects A's frontends. A new frontend identity in A adds exactly its key; its removal
/// deletes exactly that key. Once with userspace maps, once with pinned kernel maps read back by bpftool.
/// </summary>
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync, which xunit calls.
public sealed class PolicyTwoClusterTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const ushort Endpoint = 7;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _pins = Path.Combine("/sys/fs/bpf", $"mesh-policy-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private EtcdFixture? _etcd;
    private TwoClusterMesh? _mesh;

    public async Task InitializeAsync()
    {
        if (Prerequisite.MissingEtcd is null)
        {
            _etcd = await EtcdFixture.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
        if (Directory.Exists(_pins))
        {
            Directory.Delete(_pins, recursive: true);
        }
    }

    [SkippableFact]
    [Trait(TestCategory.Name, TestCategory.Integration)]
    public async Task RemoteIdentity_SelectedByPolicy_ChurnTouchesOnlyItsKey_UserspaceMaps()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingEtcd);
        using var maps = BpfMapStores.Userspace();
        await RunAsync(maps);
    }

    [SkippableFact]
    [Trait(TestCategory.Name, TestCategory.Kernel)]
    public async Task RemoteIdentity_SelectedByPolicy_KernelMapByteExact()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingEtcd ?? Prerequisite.MissingBpf ?? Prerequisite.MissingExecutables("bpftool"));
        using (var maps = BpfMapStores.Kernel(_pins))
        {
            await RunAsync(maps);
            await _mesh!.StopAgentAsync();
        }
        var entries = await DumpAsync($"cilium_policy_v2_{Endpoint:D5}");
        // struct policy_key: prefixlen 40, sec_label 65600, ingress, any protocol, any port.
        var key = Hex("28 00 00 00  40 00 01 00  00  00  00 00");
        // struct policy_entry: no proxy port, allow with lpm_prefix_length 0, no auth, precedence 0xFFFFFF01, no cookie.
        var value = Hex("00 00  00  00  01 ff ff ff  00 00 00 00");
        entries.Should().Contain(e => e.Key.SequenceEqual(key) && e.Value.SequenceEqual(value));
        entries.Should().NotContain(e => e.Key.Skip(4).Take(4).SequenceEqual(Hex("41 00 01 00")), "the removed identity 65601 left no key");
        entries.Should().HaveCount(3, "65600 ingress, egress allow-all and the localhost key");
    }

    private async Task RunAsync(IBpfMapStore maps)
    {
        _mesh = new TwoClusterMesh(() => KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = _etcd!.ClientEndpoints }))));
        File.WriteAllText(Path.Combine(_mesh.ManifestsA, "identities.yaml"), Identity(65600, "frontend", "a"));
        File.WriteAllText(Path.Combine(_mesh.ManifestsB, "policy.yaml"), $$$"""
            {{{Identity(131300, "backend", "b")}}}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumEndpoint
            metadata: {name: backend-b-0, namespace: demo}
            status:
              id: {{{Endpoint}}}
              identity: {id: 131300}
              networking:
                node: 172.18.0.2
                addressing: [{ipv4: 10.2.0.9}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: from-a, namespace: demo}
            spec:
              endpointSelector: {matchLabels: {app: backend}}
              ingress: [{fromEndpoints: [{matchLabels: {app: frontend, io.cilium.k8s.policy.cluster: a}}]}]
            """);
        await _mesh.StartExporterAsync();
        _mesh.StartAgent(maps);

        var l3 = new PolicyMapKey(65600, TrafficDirection.Ingress, 0, 0, 0);
        await Eventually.UntilAsync(() => _mesh.Agent.IsReady && PolicyAgentFixture.Programmed(maps, Endpoint).ContainsKey(l3), Patience);
        var programmed = PolicyAgentFixture.Programmed(maps, Endpoint);
        DatapathVerdict.Evaluate(programmed, TrafficDirection.Ingress, 65600, 6, 80).Allowed.Should().BeTrue("A's frontend is selected");
        DatapathVerdict.Evaluate(programmed, TrafficDirection.Ingress, 65601, 6, 80).Allowed.Should().BeFalse("not known yet");
        var before = Counters();

        // A new frontend in A: exactly one key written.
        File.WriteAllText(Path.Combine(_mesh.ManifestsA, "identities-2.yaml"), Identity(65601, "frontend", "a"));
        var added = new PolicyMapKey(65601, TrafficDirection.Ingress, 0, 0, 0);
        await Eventually.UntilAsync(() => PolicyAgentFixture.Programmed(maps, Endpoint).ContainsKey(added), Patience);
        var afterAdd = Counters();
        (afterAdd.Written - before.Written).Should().Be(1, "remote identity churn rewrites only the affected key");
        (afterAdd.Deleted - before.Deleted).Should().Be(0);
        DatapathVerdict.Evaluate(PolicyAgentFixture.Programmed(maps, Endpoint), TrafficDirection.Ingress, 65601, 6, 80).Allowed.Should().BeTrue();

        // It leaves A again: exactly that key is deleted.
        File.Delete(Path.Combine(_mesh.ManifestsA, "identities-2.yaml"));
        await Eventually.UntilAsync(() => !PolicyAgentFixture.Programmed(maps, Endpoint).ContainsKey(added), Patience);
        var afterDelete = Counters();
        (afterDelete.Deleted - afterAdd.Deleted).Should().Be(1);
        (afterDelete.Written - afterAdd.Written).Should().Be(0);
        PolicyAgentFixture.Programmed(maps, Endpoint).Should().ContainKey(l3);
    }

    private Datapath.MapCounters Counters() => _mesh!.Agent.MapCounters.Single(c => c.Map == "cilium_policy_v2_*");

    private static string Identity(uint id, string app, string cluster) => $$"""
        apiVersion: cilium.io/v2
        kind: CiliumIdentity
        metadata: {name: "{{id}}"}
        security-labels:
          "k8s:app": {{app}}
          "k8s:io.kubernetes.pod.namespace": demo
          "k8s:io.cilium.k8s.policy.cluster": {{cluster}}
        """;

    private async Task<List<KeyValuePair<byte[], byte[]>>> DumpAsync(string map)
    {
        var result = await ProcessRunner.RunCheckedAsync("bpftool", "map", "dump", "pinned", Path.Combine(_pins, map), "-j");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(e => KeyValuePair.Create(Bytes(e.GetProperty("key")), Bytes(e.GetProperty("value"))))];
    }

    private static byte[] Bytes(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => byte.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));
}
