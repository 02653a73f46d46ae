namespace Mesh.Kubernetes.Objects;

/// <summary>A discovery.k8s.io/v1 EndpointSlice; its service is named by the <c>kubernetes.io/service-name</c> label.</summary>
public sealed record EndpointSlice(ObjectMeta Metadata, string AddressType, IReadOnlyList<EndpointSpec> Endpoints, IReadOnlyList<EndpointPortSpec> Ports) : IKubeObject
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public string Kind => "EndpointSlice";

    public string ServiceName => Metadata.Labels.GetValueOrDefault(ServiceNameLabel, string.Empty);
}
