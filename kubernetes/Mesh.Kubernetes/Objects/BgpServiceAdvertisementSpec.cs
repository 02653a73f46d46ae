namespace Mesh.Kubernetes.Objects;

/// <summary><c>service</c> of a Service advertisement: address kinds (LoadBalancerIP, ClusterIP, ExternalIP) and aggregation lengths.</summary>
public sealed record BgpServiceAdvertisementSpec(IReadOnlyList<string> Addresses, long? AggregationLengthIPv4, long? AggregationLengthIPv6);
