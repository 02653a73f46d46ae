namespace Mesh.Policy.Labels;

/// <summary>Label keys Cilium puts on identities and policy rules.</summary>
public static class WellKnownLabels
{
    public const string Namespace = "io.kubernetes.pod.namespace";
    public const string Cluster = "io.cilium.k8s.policy.cluster";
    public const string ServiceAccount = "io.cilium.k8s.policy.serviceaccount";

    /// <summary>Prefix of the namespace's own labels copied onto its pods' identities.</summary>
    public const string NamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";

    public const string PolicyDerivedFrom = "io.cilium.k8s.policy.derived-from";
    public const string PolicyName = "io.cilium.k8s.policy.name";
    public const string PolicyNamespace = "io.cilium.k8s.policy.namespace";
    public const string PolicyUid = "io.cilium.k8s.policy.uid";

    public const string ReservedHost = "host";
    public const string ReservedWorld = "world";
    public const string ReservedWorldIPv4 = "world-ipv4";
    public const string ReservedWorldIPv6 = "world-ipv6";
    public const string ReservedUnmanaged = "unmanaged";
    public const string ReservedHealth = "health";
    public const string ReservedInit = "init";
    public const string ReservedRemoteNode = "remote-node";
    public const string ReservedKubeApiserver = "kube-apiserver";
    public const string ReservedIngress = "ingress";
    public const string ReservedNone = "none";
}
