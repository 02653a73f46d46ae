namespace Mesh.Policy.Labels;

/// <summary>Label sources (the part before the first ':' of <c>k8s:app=web</c>); <see cref="Any"/> exists only in selectors.</summary>
public static class LabelSources
{
    public const string Any = "any";
    public const string K8s = "k8s";
    public const string Reserved = "reserved";
    public const string Cidr = "cidr";
    public const string CidrGroup = "cidrgroup";
    public const string Node = "node";
    public const string Fqdn = "fqdn";
    public const string Container = "container";
    public const string Cni = "cni";
    public const string Unspec = "unspec";
}
