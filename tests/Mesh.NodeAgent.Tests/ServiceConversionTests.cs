using System.Net;
using Mesh.KvStore.Cilium.Values;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ServiceConversionTests
{
    [Fact]
    public void FromKubernetes_ClusterIpExternalAndLoadBalancer_OneFrontendPerAddressAndPort()
    {
        var service = Objects.Read<Mesh.Kubernetes.Objects.KubeService>("""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              annotations:
                io.cilium/global-service: "TRUE"
                service.cilium.io/affinity: remote
            spec:
              type: LoadBalancer
              clusterIP: 10.96.0.10
              clusterIPs: [10.96.0.10]
              externalIPs: [192.0.2.7]
              externalTrafficPolicy: Local
              sessionAffinity: ClientIP
              ports:
              - {name: http, port: 80, protocol: TCP}
              - {name: dns, port: 53, protocol: UDP}
            status:
              loadBalancer:
                ingress: [{ip: 198.51.100.1}]
            """);

        var intent = ServiceConversion.FromKubernetes(service);

        intent.Name.Should().Be(new ServiceName("shop", "web"));
        intent.Global.Should().BeTrue("the legacy annotation counts, in any case");
        intent.Shared.Should().BeTrue("shared defaults to true for a global service");
        intent.Affinity.Should().Be(ServiceAffinity.Remote);
        intent.ExternalTrafficLocal.Should().BeTrue();
        intent.SessionAffinityTimeoutSeconds.Should().Be(10_800, "Kubernetes' default ClientIP timeout");
        intent.Frontends.Select(f => $"{f.Type} {f.Address} {f.PortName}").Should().Equal(
            "ClusterIp 10.96.0.10:80/TCP http",
            "ClusterIp 10.96.0.10:53/UDP dns",
            "ExternalIp 192.0.2.7:80/TCP http",
            "ExternalIp 192.0.2.7:53/UDP dns",
            "LoadBalancer 198.51.100.1:80/TCP http",
            "LoadBalancer 198.51.100.1:53/UDP dns");
    }

    [Fact]
    public void FromKubernetes_NotGlobal_AffinityAndSharedIgnored()
    {
        var intent = ServiceConversion.FromKubernetes(Objects.Service("web", "10.96.0.10", global: false, shared: "true", affinity: "local"));

        intent.Global.Should().BeFalse();
        intent.Shared.Should().BeFalse();
        intent.Affinity.Should().Be(ServiceAffinity.None);
    }

    [Fact]
    public void FromKubernetes_UnknownAffinity_TreatedAsNone()
    {
        ServiceConversion.FromKubernetes(Objects.Service("web", "10.96.0.10", affinity: "nearest")).Affinity.Should().Be(ServiceAffinity.None);
    }

    [Fact]
    public void FromEndpointSlice_Conditions_ReadyActiveServingTerminatingTerminatingOthersLeftOut()
    {
        var slice = Objects.SliceWithConditions("web-abc", "web",
        [
            ("10.0.0.1", true, true, false, "n1"),
            ("10.0.0.2", false, true, true, "n1"),
            ("10.0.0.3", false, false, true, "n2"),
            ("10.0.0.4", false, false, false, "n2"),
        ]);

        var set = ServiceConversion.FromEndpointSlice(slice, 7);

        set.Service.Should().Be(new ServiceName("default", "web"));
        set.Source.Should().Be("k8s/web-abc");
        set.IsLocal.Should().BeTrue();
        set.Backends.Select(b => (b.Address.ToString(), b.State, b.NodeName, b.ClusterId)).Should().Equal(
            ("10.0.0.1:8080/TCP", BackendState.Active, "n1", 7u),
            ("10.0.0.2:8080/TCP", BackendState.Terminating, "n1", 7u));
    }

    [Fact]
    public void FromRemote_SharedService_OneBackendPerAddressAndPortName()
    {
        var remote = new ClusterService
        {
            Cluster = "c2",
            Namespace = "default",
            Name = "web",
            ClusterId = 2,
            Shared = true,
            IncludeExternal = true,
            Backends = new Dictionary<string, IReadOnlyDictionary<string, L4Address>>
            {
                ["10.2.0.5"] = new Dictionary<string, L4Address> { ["http"] = new("TCP", 8080), ["alt"] = new("TCP", 8080) },
                ["not-an-ip"] = new Dictionary<string, L4Address> { ["http"] = new("TCP", 8080) },
            },
            Zones = new Dictionary<string, BackendZone> { ["10.2.0.5"] = new("zone-b", []) },
        };

        var set = ServiceConversion.FromRemote(remote)!;

        set.Source.Should().Be("clustermesh/c2");
        set.IsLocal.Should().BeFalse();
        set.Backends.Select(b => (b.Address.Address, b.PortName, b.ClusterId, b.Zone)).Should().Equal(
            (IPAddress.Parse("10.2.0.5"), "alt", 2u, "zone-b"),
            (IPAddress.Parse("10.2.0.5"), "http", 2u, "zone-b"));
    }

    [Fact]
    public void FromRemote_NotShared_IsNull()
    {
        ServiceConversion.FromRemote(new ClusterService { Cluster = "c2", Namespace = "default", Name = "web", Shared = false }).Should().BeNull();
    }
}
