using Mesh.Kubernetes.Client.Watching;
using Mesh.Testing;

namespace Mesh.Kubernetes.Client.Tests.Watching;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KubeResourceTests
{
    [Theory]
    [InlineData("namespaces", "/api/v1/namespaces", "v1")]
    [InlineData("services", "/api/v1/services", "v1")]
    [InlineData("endpointslices", "/apis/discovery.k8s.io/v1/endpointslices", "discovery.k8s.io/v1")]
    [InlineData("ciliumidentities", "/apis/cilium.io/v2/ciliumidentities", "cilium.io/v2")]
    [InlineData("ciliumendpoints", "/apis/cilium.io/v2/ciliumendpoints", "cilium.io/v2")]
    [InlineData("ciliumnodes", "/apis/cilium.io/v2/ciliumnodes", "cilium.io/v2")]
    [InlineData("serviceexports", "/apis/multicluster.x-k8s.io/v1alpha1/serviceexports", "multicluster.x-k8s.io/v1alpha1")]
    public void All_EachResource_HasItsCollectionPathAndApiVersion(string plural, string path, string apiVersion)
    {
        var resource = KubeResource.All.Should().ContainSingle(r => r.Plural == plural).Subject;

        resource.Path.Should().Be(path);
        resource.ApiVersion.Should().Be(apiVersion);
    }

    [Theory]
    [InlineData("ciliumnetworkpolicies", "/apis/cilium.io/v2/ciliumnetworkpolicies", "CiliumNetworkPolicy")]
    [InlineData("ciliumclusterwidenetworkpolicies", "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy")]
    [InlineData("networkpolicies", "/apis/networking.k8s.io/v1/networkpolicies", "NetworkPolicy")]
    public void NodeAgent_PolicyResources_AddedToTheApiserverSet(string plural, string path, string kind)
    {
        KubeResource.NodeAgent.Should().Contain(KubeResource.All);
        var resource = KubeResource.NodeAgent.Should().ContainSingle(r => r.Plural == plural).Subject;

        resource.Path.Should().Be(path);
        resource.Kind.Should().Be(kind);
        KubeResource.All.Should().NotContain(resource);
    }

    [Fact]
    public void Bgp_ReadsItsKindsClusterWideAndSecretsFromOneNamespace()
    {
        var resources = KubeResource.Bgp("bgp-secrets");

        resources.Select(r => r.Kind).Should().BeEquivalentTo(
            "CiliumBGPClusterConfig", "CiliumBGPPeerConfig", "CiliumBGPAdvertisement", "CiliumBGPNodeConfigOverride",
            "CiliumNode", "Service", "EndpointSlice", "Secret");
        resources.Single(r => r.Kind == "CiliumBGPPeerConfig").Path.Should().Be("/apis/cilium.io/v2/ciliumbgppeerconfigs");
        var secrets = resources.Single(r => r.Kind == "Secret");
        secrets.Path.Should().Be("/api/v1/namespaces/bgp-secrets/secrets");
        secrets.ToString().Should().Be("secrets in bgp-secrets");
        resources.Where(r => r.Kind != "Secret").Should().OnlyContain(r => r.Namespace == null);
    }
}
