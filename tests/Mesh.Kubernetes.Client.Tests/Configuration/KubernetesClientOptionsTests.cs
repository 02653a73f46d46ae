using Mesh.Kubernetes.Client.Watching;
using Mesh.Testing;

namespace Mesh.Kubernetes.Client.Tests.Configuration;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KubernetesClientOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors() => new KubernetesClientOptions().Validate().Should().BeEmpty();

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryError()
    {
        var options = new KubernetesClientOptions
        {
            Resources = [],
            PageSize = 0,
            WatchTimeout = TimeSpan.FromMilliseconds(10),
            RequestTimeout = TimeSpan.Zero,
            InitialBackoff = TimeSpan.FromSeconds(2),
            MaxBackoff = TimeSpan.FromSeconds(1),
        };

        options.Validate().Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]).Should()
            .BeEquivalentTo("Resources", "PageSize", "WatchTimeout", "RequestTimeout", "InitialBackoff/MaxBackoff");
    }

    [Fact]
    public void Validate_ResourceListedTwice_ReportsIt() =>
        new KubernetesClientOptions { Resources = [KubeResource.Namespaces, KubeResource.Namespaces] }.Validate().Should().ContainSingle().Which.Should().Contain("twice");
}
