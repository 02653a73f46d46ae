using Mesh.Kubernetes.Reading;
using Mesh.NodeAgent.Policy;
using Mesh.NodeAgent.Tables;
using Mesh.Policy;
using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Mesh.StateDb.Tables;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Tests;

/// <summary>
/// The policy controller as a function (STYLE.md): identity, policy and endpoint rows in; the desired policy-map
/// rows (and endpoint map rows) out, with no reconciler, map or clock. Identity churn in a remote cluster writes only
/// the rows of the affected keys; an endpoint over its map limit keeps its rows; a removed endpoint loses them.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PolicyControllerScenarioTests
{
    private const ushort Backend = 42;
    private const ushort Frontend = 43;
    private const string Remote = "cluster/cluster2";

    private static readonly PolicyEngineOptions Options = new()
    {
        LocalClusterName = "cluster1",
        PolicyDefaultLocalCluster = true,
        AllowLocalhost = AllowLocalhostMode.Policy,
    };

    private const string V2 = "{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}";
    private const string FromCluster2 = "{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend, io.cilium.k8s.policy.cluster: cluster2}}], toPorts: [{ports: [{port: '8080', endPort: 8095, protocol: TCP}]}]}]}";
    private const string FrontendFromBackend = "{endpointSelector: {matchLabels: {app: frontend}}, ingress: [{fromEndpoints: [{matchLabels: {app: backend}}]}]}";

    [Fact]
    public void Round_V2Inputs_DesiredRowsAreTheV2Map()
    {
        var s = new Scenario(Options);

        s.Round(identities: Identities(), policies: [Cnp(V2)], endpoints: [Ep(Backend, 65601, "backend")]).Should().BeTrue();

        s.Rows().Should().BeEquivalentTo([A(Backend, In(65600)), A(Backend, Eg(0))]);
        s.Tables.PolicyMaps.Snapshot().All().Select(r => r.Entry.EndpointId).Should().Equal(Backend);
    }

    [Fact]
    public void Round_NoInputChange_NothingWritten()
    {
        var s = new Scenario(Options);
        s.Round(identities: Identities(), policies: [Cnp(V2)], endpoints: [Ep(Backend, 65601, "backend")]);
        var revision = s.Tables.PolicyEntries.Revision;

        s.Round().Should().BeFalse();

        s.Tables.PolicyEntries.Revision.Should().Be(revision);
    }

    [Fact]
    public void Round_RemoteIdentitySelected_OnlyItsKeyRowsWrittenThenDeleted()
    {
        var s = new Scenario(Options);
        s.Round(
            identities: Identities(),
            policies: [Cnp(FromCluster2), Cnp(FrontendFromBackend, "fe")],
            endpoints: [Ep(Backend, 65601, "backend"), Ep(Frontend, 65600, "frontend")]);
        var before = s.Rows();
        before.Should().ContainKey((Backend, In(131200, 6, 8080, 12)));
        using var feed = s.Tables.PolicyEntries.Changes();
        feed.Next().Should().NotBeEmpty();

        // A new frontend identity appears in cluster2: one key row for the backend, nothing for the frontend endpoint.
        s.Round(identities: [Upsert(131202, Pod("frontend", "cluster2"), Remote)]).Should().BeTrue();

        var added = In(131202, 6, 8080, 12);
        feed.Next().Select(c => (c.Deleted, c.Row.Entry.EndpointId, c.Row.Entry.Key)).Should().Equal((false, Backend, added));
        s.Rows().Should().BeEquivalentTo(before.Append(A(Backend, added)));

        // A cluster2 backend: selected by no peer selector, so no row changes.
        s.Round(identities: [Upsert(131203, Pod("backend", "cluster2"), Remote)]).Should().BeTrue();
        feed.Next().Should().BeEmpty();

        // The frontend leaves cluster2: exactly its row is deleted.
        s.Round(identities: [Delete(131202, Pod("frontend", "cluster2"), Remote)]);
        feed.Next().Select(c => (c.Deleted, c.Row.Entry.EndpointId, c.Row.Entry.Key)).Should().Equal((true, Backend, added));
        s.Rows().Should().BeEquivalentTo(before);
    }

    [Fact]
    public void Round_RemoteIdentityRelabelled_OutOfSelection_OnlyItsRowDeleted()
    {
        var s = new Scenario(Options);
        s.Round(identities: Identities(), policies: [Cnp(FromCluster2)], endpoints: [Ep(Backend, 65601, "backend")]);
        using var feed = s.Tables.PolicyEntries.Changes();
        feed.Next();

        s.Round(identities: [Upsert(131200, Pod("other", "cluster2"), Remote)]);

        feed.Next().Select(c => (c.Deleted, c.Row.Entry.Key)).Should().Equal((true, In(131200, 6, 8080, 12)));
    }

    [Fact]
    public void Round_EndpointOverLimit_RowsHeld_WholeMapWrittenWhenItFitsAgain()
    {
        var s = new Scenario(Options with { PolicyMapMaxEntries = 8 });
        s.Round(identities: Identities(), policies: [Cnp(V2)], endpoints: [Ep(Backend, 65601, "backend")]);
        var small = s.Rows();

        // Every pod identity of every cluster on the 9 prefixes of TCP 80-444: far over 8 entries.
        var big = Ccnp("{endpointSelector: {}, ingress: [{fromEndpoints: [{matchExpressions: [{key: io.cilium.k8s.policy.cluster, operator: Exists}]}], toPorts: [{ports: [{port: '80', endPort: 444, protocol: TCP}]}]}]}");
        s.Round(policies: [big]);
        s.Rows().Should().BeEquivalentTo(small, "a map over its limit is never written partially");

        // While held, identity churn does not leak into the rows either.
        s.Round(identities: [Upsert(65604, Pod("frontend", "cluster1"), PolicyIdentity.LocalSource)]);
        s.Rows().Should().BeEquivalentTo(small);

        // The big policy goes: the whole current map (with the identity added meanwhile) is written.
        s.Round(policies: [new Change<PolicyObject>(big.Row, 0, Deleted: true)]);
        s.Rows().Should().BeEquivalentTo(small.Append(A(Backend, In(65604))));
    }

    [Fact]
    public void Round_EndpointRemoved_ItsRowsAndMapRowDeleted_OthersKept()
    {
        var s = new Scenario(Options);
        var backend = Ep(Backend, 65601, "backend");
        s.Round(
            identities: Identities(),
            policies: [Cnp(V2), Cnp(FrontendFromBackend, "fe")],
            endpoints: [backend, Ep(Frontend, 65600, "frontend")]);
        s.Rows().Keys.Select(k => k.Endpoint).Distinct().Should().BeEquivalentTo([Backend, Frontend]);

        s.Round(endpoints: [backend with { Deleted = true }]);

        s.Rows().Should().BeEquivalentTo([A(Frontend, In(65601)), A(Frontend, Eg(0))]);
        s.Tables.PolicyMaps.Snapshot().All().Select(r => r.Entry.EndpointId).Should().Equal(Frontend);
    }

    [Fact]
    public void Round_EndpointIdentityChanges_MapRecomputedForNewIdentity()
    {
        var s = new Scenario(Options);
        s.Round(identities: Identities(), policies: [Cnp(V2), Cnp(FrontendFromBackend, "fe")], endpoints: [Ep(Backend, 65601, "backend")]);

        s.Round(endpoints: [Ep(Backend, 65600, "backend")]);

        s.Rows().Should().BeEquivalentTo([A(Backend, In(65601)), A(Backend, Eg(0))]);
    }

    [Fact]
    public void Round_CidrPolicy_CidrIdentitiesClaimedInIpCache_ReleasedWithPolicy()
    {
        var s = new Scenario(Options);
        var cidr = Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toCIDRSet: [{cidr: 192.168.0.0/16, except: [192.168.1.0/24]}]}]}");
        s.Round(identities: Identities(), policies: [cidr], endpoints: [Ep(Backend, 65601, "backend")]);

        var claims = s.Tables.IpCacheClaims.Snapshot().All().Where(c => c.Owner == PolicyController.CidrClaimOwner).ToList();
        claims.Select(c => c.Entry.Prefix.ToString()).Should().BeEquivalentTo(["192.168.0.0/16", "192.168.1.0/24"]);
        claims.Should().OnlyContain(c => c.Entry.Identity >= 0x01000000 && c.Entry.Identity <= 0x01FFFFFF);
        var wide = claims.Single(c => c.Entry.Prefix.PrefixLength == 16).Entry.Identity;
        s.Rows().Should().BeEquivalentTo([A(Backend, In(0)), A(Backend, Eg(wide))]);

        s.Round(policies: [new Change<PolicyObject>(cidr.Row, 0, Deleted: true)]);

        s.Tables.IpCacheClaims.Snapshot().All().Should().NotContain(c => c.Owner == PolicyController.CidrClaimOwner);
        s.Rows().Should().BeEquivalentTo([A(Backend, In(0)), A(Backend, Eg(0))]);
    }

    private sealed class Scenario
    {
        public Scenario(PolicyEngineOptions options) => Controller = new PolicyController(Tables, options, NullLogger<PolicyController>.Instance);

        public AgentTables Tables { get; } = new();

        public PolicyController Controller { get; }

        public bool Round(
            IEnumerable<Change<PolicyIdentity>>? identities = null,
            IEnumerable<Change<PolicyObject>>? policies = null,
            IEnumerable<Change<LocalEndpoint>>? endpoints = null) =>
            Controller.Round(identities ?? [], policies ?? [], endpoints ?? []);

        public Dictionary<(ushort Endpoint, PolicyMapKey Key), PolicyMapEntry> Rows() =>
            Tables.PolicyEntries.Snapshot().All().ToDictionary(r => (r.Entry.EndpointId, r.Entry.Key), r => r.Entry.Value);
    }

    private static Change<PolicyIdentity>[] Identities() =>
    [
        Upsert(65600, Pod("frontend", "cluster1"), PolicyIdentity.LocalSource),
        Upsert(65601, Pod("backend", "cluster1"), PolicyIdentity.LocalSource),
        Upsert(65602, ["k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=prod", "k8s:io.cilium.k8s.policy.cluster=cluster1"], PolicyIdentity.LocalSource),
        Upsert(131200, Pod("frontend", "cluster2"), Remote),
        Upsert(131201, Pod("backend", "cluster2"), Remote),
    ];

    private static Change<LocalEndpoint> Ep(ushort id, uint identity, string name) => new(new LocalEndpoint(id, identity, name, []), 0, false);

    private static string[] Pod(string app, string cluster) =>
        [$"k8s:app={app}", "k8s:io.kubernetes.pod.namespace=default", $"k8s:io.cilium.k8s.policy.cluster={cluster}"];

    private static Change<PolicyIdentity> Upsert(uint id, string[] labels, string source) => new(new PolicyIdentity(id, LabelSet.Parse(labels), source), 0, false);

    private static Change<PolicyIdentity> Delete(uint id, string[] labels, string source) => new(new PolicyIdentity(id, LabelSet.Parse(labels), source), 0, true);

    private static Change<PolicyObject> Cnp(string spec, string name = "p") =>
        Policy($"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: {name}, namespace: default, uid: uid-{name}}}\nspec: {spec}\n");

    private static Change<PolicyObject> Ccnp(string spec, string name = "c") =>
        Policy($"apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: {name}}}\nspec: {spec}\n");

    private static Change<PolicyObject> Policy(string yaml) =>
        new(PolicyObject.From(KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!), 0, false);

    private static PolicyMapKey In(uint id, byte proto = 0, ushort port = 0, int prefix = 0) => new(id, TrafficDirection.Ingress, proto, port, prefix);

    private static PolicyMapKey Eg(uint id) => new(id, TrafficDirection.Egress, 0, 0, 0);

    private static KeyValuePair<(ushort Endpoint, PolicyMapKey Key), PolicyMapEntry> A(ushort endpoint, PolicyMapKey key) => new((endpoint, key), PolicyMapEntry.AllowFor(key));
}
